// What auth keeps, and for how long: run hourly by the job queue's housekeeping.
import type { PrismaClient } from "@saas/db";

const DAY_MS = 24 * 60 * 60 * 1000;

export const AUTH_RETENTION = {
  /**
   * Login attempts decide throttling only within THROTTLE's 15-minute window; they are kept
   * longer as a record of who tried which account from where, then deleted.
   */
  loginAttemptDays: 30,
} as const;

export type AuthPruneResult = { sessionsDeleted: number; loginAttemptsDeleted: number };

/** Deletes expired sessions (Lucia refuses them anyway) and login attempts past their retention. */
export async function pruneAuthRecords(db: PrismaClient, now: Date = new Date()): Promise<AuthPruneResult> {
  const attemptsBefore = new Date(now.getTime() - AUTH_RETENTION.loginAttemptDays * DAY_MS);
  const [sessions, attempts] = await db.$transaction([
    db.session.deleteMany({ where: { expiresAt: { lt: now } } }),
    db.loginAttempt.deleteMany({ where: { createdAt: { lt: attemptsBefore } } }),
  ]);
  return { sessionsDeleted: sessions.count, loginAttemptsDeleted: attempts.count };
}
