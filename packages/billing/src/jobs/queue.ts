// The billing jobs on the queue (graphile-worker, decision 018): names, keys and limits,
// written once. Jobs are enqueued with SQL in the caller's statement or transaction, so a
// job exists exactly when the row that asked for it does.
import { Prisma } from "@saas/db";

export const CUSTOMER_SYNC_TASK = "billing.sync-customer";

/**
 * Attempts before a customer's sync stops retrying and its events show as failed. The
 * queue waits exp(attempt) seconds between attempts, so 12 attempts span about 9 hours;
 * `pnpm billing:events retry` replays them after that.
 */
export const CUSTOMER_SYNC_MAX_ATTEMPTS = 12;

export type CustomerSyncPayload = {
  customerId: string;
  /** Runs in a row that Stripe's rate limit turned back (0 when absent), for the back-off. */
  rateLimited: number;
};

/**
 * SQL that enqueues the customer's sync job. The job key coalesces a burst into one
 * pending job (a job already running keeps going, and a new one is queued behind it);
 * the queue name runs one job per customer at a time, across every worker process.
 * `preserve_run_at` keeps the run time of a pending job that has not failed yet, which is
 * how a job backing off from Stripe's rate limit waits (rescheduleRateLimitedSync): a new
 * event joins it instead of pulling it forward. A job waiting out a failure's back-off is
 * still made due at once (graphile resets its attempts), as with the default mode.
 */
export function enqueueCustomerSync(customerId: Prisma.Sql | string): Prisma.Sql {
  return Prisma.sql`graphile_worker.add_job(
    ${CUSTOMER_SYNC_TASK},
    json_build_object('customerId', ${customerId}::text),
    queue_name => 'stripe-customer:' || ${customerId}::text,
    job_key => 'sync:' || ${customerId}::text,
    max_attempts => ${CUSTOMER_SYNC_MAX_ATTEMPTS}::int,
    job_key_mode => 'preserve_run_at'
  )`;
}

/**
 * SQL, run by a sync job that Stripe rate-limited, that puts the customer's job back on the
 * queue `delayMs` from now with no attempt used. The running job gives up its key, so this
 * adds a new job (or, when an event queued one behind it meanwhile, moves that one back:
 * it would meet the same limit); the running job then ends as done.
 */
export function rescheduleRateLimitedSync(payload: CustomerSyncPayload, delayMs: number): Prisma.Sql {
  const { customerId } = payload;
  return Prisma.sql`graphile_worker.add_job(
    ${CUSTOMER_SYNC_TASK},
    json_build_object('customerId', ${customerId}::text, 'rateLimited', ${payload.rateLimited + 1}::int),
    queue_name => 'stripe-customer:' || ${customerId}::text,
    run_at => now() + ${delayMs}::int * interval '1 millisecond',
    job_key => 'sync:' || ${customerId}::text,
    max_attempts => ${CUSTOMER_SYNC_MAX_ATTEMPTS}::int,
    job_key_mode => 'replace'
  )`;
}

export function parseCustomerSyncPayload(payload: unknown): CustomerSyncPayload {
  const fields = payload as { customerId?: unknown; rateLimited?: unknown } | null;
  const customerId = fields?.customerId;
  if (typeof customerId !== "string" || !customerId) throw new Error(`not a customer sync payload: ${String(payload)}`);
  const rateLimited = fields?.rateLimited;
  return { customerId, rateLimited: typeof rateLimited === "number" && rateLimited > 0 ? Math.floor(rateLimited) : 0 };
}
