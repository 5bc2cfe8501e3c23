// Per-user limits on the procedures that call Stripe, so that one user cannot turn requests
// into Stripe traffic (Stripe's own limits are per account, shared by every user). State
// lives in PostgreSQL, so a limit holds across app processes, as the login throttle's does.
import type { PrismaClient } from "@saas/db";

export type RateLimit = { max: number; windowMs: number };

/** Calls per user, per procedure, in any sliding minute. */
export const STRIPE_CALL_LIMIT: RateLimit = { max: 10, windowMs: 60_000 };

/** Over the limit; `retryAfterSeconds` is when the oldest call that counts leaves the window. */
export class RateLimited extends Error {
  override name = "RateLimited";
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many requests. Please try again in ${retryAfterSeconds} s.`);
  }
}

// The calls are rows of login_attempts (packages/auth's throttle table), which has what a
// sliding window needs (a key, a time, an index on both) and needs no migration of our own.
// `succeeded: true` keeps them out of every count the login throttle makes (it counts
// failures), and the `rate:` prefix out of its email keys (emails have an "@", ours never).
const IP_MARK = "rate-limit";

/**
 * Counts one call against `key` or throws RateLimited. Calls for one key are serialized
 * with a transaction-scoped advisory lock, so parallel calls (a batch) cannot all slip
 * under the limit; rows that left the window are deleted on the way.
 */
export async function takeRateLimit(db: PrismaClient, key: string, limit: RateLimit, now = new Date()): Promise<void> {
  const bucket = `rate:${key}`;
  const since = new Date(now.getTime() - limit.windowMs);
  await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${bucket}, 0))`;
    await tx.loginAttempt.deleteMany({ where: { email: bucket, createdAt: { lte: since } } });
    const recent = await tx.loginAttempt.findMany({
      where: { email: bucket },
      orderBy: { createdAt: "asc" },
      select: { createdAt: true },
      take: limit.max,
    });
    const oldest = recent[0];
    if (oldest && recent.length >= limit.max) {
      const freedAt = oldest.createdAt.getTime() + limit.windowMs;
      throw new RateLimited(Math.max(1, Math.ceil((freedAt - now.getTime()) / 1000)));
    }
    await tx.loginAttempt.create({ data: { email: bucket, ip: IP_MARK, succeeded: true, createdAt: now } });
  });
}
