// Login throttling whose state lives in PostgreSQL, so it holds across app processes.
import type { PrismaClient } from "@saas/db";
import { TooManyAttempts } from "./errors.ts";

export const THROTTLE = {
  windowMs: 15 * 60 * 1000,
  maxFailuresPerEmail: 5,
  maxFailuresPerIp: 20,
} as const;

/**
 * Records an attempt before the password is checked (as failed until `succeeded` is
 * called), so parallel guesses cannot all slip under the limit. Attempts for one email
 * are serialized with a transaction-scoped advisory lock.
 */
export async function beginLoginAttempt(db: PrismaClient, email: string, ip: string, now = new Date()) {
  const since = new Date(now.getTime() - THROTTLE.windowMs);
  const attemptId = await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`login:${email}`}, 0))`;
    const recent = (where: { email: string } | { ip: string }) =>
      tx.loginAttempt.findMany({
        where: { ...where, succeeded: false, createdAt: { gt: since } },
        orderBy: { createdAt: "asc" },
        select: { createdAt: true },
      });
    const [byEmail, byIp] = await Promise.all([recent({ email }), recent({ ip })]);
    const blocking = [
      byEmail.length >= THROTTLE.maxFailuresPerEmail ? byEmail[byEmail.length - THROTTLE.maxFailuresPerEmail] : undefined,
      byIp.length >= THROTTLE.maxFailuresPerIp ? byIp[byIp.length - THROTTLE.maxFailuresPerIp] : undefined,
    ].filter((row) => row !== undefined);
    if (blocking.length) {
      // Allowed again once the oldest failure that still counts leaves the window.
      const freedAt = Math.max(...blocking.map((row) => row.createdAt.getTime() + THROTTLE.windowMs));
      throw new TooManyAttempts(Math.ceil((freedAt - now.getTime()) / 1000));
    }
    const attempt = await tx.loginAttempt.create({ data: { email, ip, createdAt: now }, select: { id: true } });
    return attempt.id;
  });

  return {
    /** A correct password: this attempt stops counting, and so do the email's earlier failures. */
    async succeeded() {
      await db.$transaction([
        db.loginAttempt.update({ where: { id: attemptId }, data: { succeeded: true } }),
        db.loginAttempt.deleteMany({ where: { email, succeeded: false } }),
      ]);
    },
  };
}
