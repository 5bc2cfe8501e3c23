// Throttling of failed attempts, with its state in PostgreSQL so it holds across app
// processes. An attempt concerns an email and comes from an address: a log-in, a check of
// the current password in Settings, or a sign-up or email change onto an address that may
// be taken (the answer tells whether it is). They share one count per email and one per
// address, so an attacker gets the same budget whichever form they use, and a blocked
// answer is the same whatever the email.
import type { PrismaClient } from "@saas/db";
import { TooManyAttempts } from "./errors.ts";

export const THROTTLE = {
  windowMs: 15 * 60 * 1000,
  maxFailuresPerEmail: 5,
  maxFailuresPerIp: 20,
} as const;

// Waiting for the locks of a burst of attempts must end in an answer, not in Prisma's
// default 2-second wait for a transaction.
const TRANSACTION_LIMITS = { maxWait: 10_000, timeout: 10_000 } as const;

export type Attempt = {
  /** It worked: this attempt stops counting, and so do the email's earlier failures. */
  succeeded(): Promise<void>;
  /** It failed for a reason of ours (an outage), not the caller's: it does not count. */
  discard(): Promise<void>;
};

/**
 * Records an attempt before the secret is checked (as failed until `succeeded`), so
 * parallel attempts cannot all slip under a limit. Attempts that share the email or the
 * address are serialized by transaction-scoped advisory locks on both keys, taken in one
 * statement in a fixed order (ORDER BY runs before the locking select list), so two
 * attempts can never hold one lock each and wait for the other's.
 */
export async function beginAttempt(
  db: PrismaClient,
  key: { email: string; ip: string },
  now = new Date(),
): Promise<Attempt> {
  const { email, ip } = key;
  const since = new Date(now.getTime() - THROTTLE.windowMs);
  const attemptId = await db.$transaction(async (tx) => {
    const emailKey = `throttle:email:${email}`;
    const ipKey = `throttle:ip:${ip}`;
    await tx.$executeRaw`
      SELECT pg_advisory_xact_lock(k)
      FROM (VALUES (hashtextextended(${emailKey}, 0)), (hashtextextended(${ipKey}, 0))) AS keys(k)
      ORDER BY k`;
    // The failure that keeps a key blocked: the limit-th most recent one in the window.
    const blockingFailure = (where: { email: string } | { ip: string }, limit: number) =>
      tx.loginAttempt.findFirst({
        where: { ...where, succeeded: false, createdAt: { gt: since } },
        orderBy: { createdAt: "desc" },
        skip: limit - 1,
        select: { createdAt: true },
      });
    const blocking = [
      await blockingFailure({ email }, THROTTLE.maxFailuresPerEmail),
      await blockingFailure({ ip }, THROTTLE.maxFailuresPerIp),
    ];
    const freedAt = Math.max(...blocking.map((row) => (row ? row.createdAt.getTime() + THROTTLE.windowMs : 0)));
    if (freedAt > now.getTime()) throw new TooManyAttempts(Math.ceil((freedAt - now.getTime()) / 1000));
    const attempt = await tx.loginAttempt.create({ data: { email, ip, createdAt: now }, select: { id: true } });
    return attempt.id;
  }, TRANSACTION_LIMITS);

  return {
    async succeeded() {
      await db.$transaction([
        db.loginAttempt.update({ where: { id: attemptId }, data: { succeeded: true } }),
        db.loginAttempt.deleteMany({ where: { email, succeeded: false } }),
      ]);
    },
    async discard() {
      await db.loginAttempt.deleteMany({ where: { id: attemptId } });
    },
  };
}
