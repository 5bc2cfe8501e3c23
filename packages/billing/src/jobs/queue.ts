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

export type CustomerSyncPayload = { customerId: string };

/**
 * SQL that enqueues the customer's sync job. The job key coalesces a burst into one
 * pending job (a job already running keeps going, and a new one is queued behind it);
 * the queue name runs one job per customer at a time, across every worker process.
 */
export function enqueueCustomerSync(customerId: Prisma.Sql | string): Prisma.Sql {
  return Prisma.sql`graphile_worker.add_job(
    ${CUSTOMER_SYNC_TASK},
    json_build_object('customerId', ${customerId}::text),
    queue_name => 'stripe-customer:' || ${customerId}::text,
    job_key => 'sync:' || ${customerId}::text,
    max_attempts => ${CUSTOMER_SYNC_MAX_ATTEMPTS}::int
  )`;
}

export function parseCustomerSyncPayload(payload: unknown): CustomerSyncPayload {
  const customerId = (payload as { customerId?: unknown } | null)?.customerId;
  if (typeof customerId !== "string" || !customerId) throw new Error(`not a customer sync payload: ${String(payload)}`);
  return { customerId };
}
