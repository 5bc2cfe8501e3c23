// A customer's sync that Stripe's rate limit turned back is not a failure: it goes back on
// the queue for later, 2 s × 2^n (n: turned back n times in a row) capped at 5 minutes,
// plus up to half again of jitter so jobs turned back together do not return together.
// Its attempts are untouched and its events stay queued (decision 020).
import type { PrismaClient } from "@saas/db";
import { rescheduleRateLimitedSync, type CustomerSyncPayload } from "./queue.ts";

const BASE_MS = 2_000;
const CAP_MS = 5 * 60_000;

export function rateLimitBackoffMs(rateLimited: number, random: () => number = Math.random): number {
  const capped = Math.min(CAP_MS, BASE_MS * 2 ** Math.min(rateLimited, 20));
  return Math.round(capped + (random() * capped) / 2);
}

/** Puts the job back `rateLimitBackoffMs` from now; returns that delay. */
export async function backOffRateLimitedSync(
  db: PrismaClient,
  payload: CustomerSyncPayload,
  random: () => number = Math.random,
): Promise<number> {
  const delayMs = rateLimitBackoffMs(payload.rateLimited, random);
  await db.$queryRaw`SELECT (${rescheduleRateLimitedSync(payload, delayMs)}).id`;
  return delayMs;
}
