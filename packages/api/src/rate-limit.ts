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

/**
 * Counts one call against `key` or throws RateLimited, in one statement on the key's row
 * of rate_limit_buckets (the times of its calls in the window, oldest first):
 *
 * - An upsert: a key's calls are serialized by the lock on its row, and ON CONFLICT DO
 *   UPDATE works on the row's latest committed version, so parallel calls (a batch) cannot
 *   all slip under the limit, even for a key that has no row yet.
 * - Calls that left the window are dropped from the row on the way; the call is appended
 *   only if fewer than `max` remain, and `refused` says which happened.
 * - Committed without waiting for the WAL flush (synchronous_commit off for this statement
 *   only): the row is visible to every other call at once, and a crash of PostgreSQL can
 *   at most forget the last fraction of a second of calls, i.e. allow a few more. The
 *   flush was most of this call's time, on a path every Stripe call a user makes waits on.
 */
export async function takeRateLimit(db: PrismaClient, key: string, limit: RateLimit, now = new Date()): Promise<void> {
  const nowMs = now.getTime();
  const sinceMs = nowMs - limit.windowMs;
  const rows = await db.$queryRaw<Array<{ refused: boolean; freeing: bigint | null }>>`
    WITH async_commit AS (SELECT set_config('synchronous_commit', 'off', true))
    INSERT INTO rate_limit_buckets AS bucket (key, calls, refused)
    SELECT ${key}, ARRAY[${nowMs}::bigint], false FROM async_commit
    ON CONFLICT (key) DO UPDATE SET
      calls = ARRAY(SELECT c FROM unnest(bucket.calls) AS c WHERE c > ${sinceMs}::bigint ORDER BY c)
        || CASE WHEN (SELECT count(*) FROM unnest(bucket.calls) AS c WHERE c > ${sinceMs}::bigint) < ${limit.max}::int
             THEN ARRAY[${nowMs}::bigint] ELSE '{}'::bigint[] END,
      refused = (SELECT count(*) FROM unnest(bucket.calls) AS c WHERE c > ${sinceMs}::bigint) >= ${limit.max}::int
    RETURNING refused, calls[cardinality(calls) - ${limit.max}::int + 1] AS freeing`;
  const row = rows[0];
  if (!row) throw new Error(`takeRateLimit: no row for ${key}`);
  if (row.refused) {
    // The call whose leaving brings the count under the limit.
    const freedAt = Number(row.freeing ?? BigInt(nowMs)) + limit.windowMs;
    throw new RateLimited(Math.max(1, Math.ceil((freedAt - nowMs) / 1000)));
  }
}
