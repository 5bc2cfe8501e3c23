// What `pnpm billing:events` reads and replays: the webhook log (one row per Stripe event
// received) and the customer sync jobs that apply it (decision 018).
import { Prisma, type PrismaClient } from "@saas/db";
import { enqueueCustomerSync } from "../jobs/queue.ts";

export const EVENT_OUTCOMES = ["queued", "applied", "failed", "ignored"] as const;
export type EventOutcome = (typeof EVENT_OUTCOMES)[number];

export type EventFilter = {
  outcome?: EventOutcome | undefined;
  customerId?: string | undefined;
  /** Newest first; at most this many. */
  limit?: number | undefined;
};

export type LoggedEvent = {
  id: string;
  type: string;
  customerId: string | null;
  outcome: string;
  receivedAt: Date;
  appliedAt: Date | null;
  error: string | null;
};

const where = (filter: EventFilter): Prisma.WebhookLogWhereInput => ({
  ...(filter.outcome ? { outcome: filter.outcome } : {}),
  ...(filter.customerId ? { stripeCustomerId: filter.customerId } : {}),
});

/** The events matching the filter, newest first, without their payloads. */
export async function listEvents(db: PrismaClient, filter: EventFilter = {}): Promise<LoggedEvent[]> {
  const rows = await db.webhookLog.findMany({
    where: where(filter),
    orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
    take: filter.limit ?? 50,
    select: {
      id: true,
      type: true,
      stripeCustomerId: true,
      outcome: true,
      receivedAt: true,
      appliedAt: true,
      error: true,
    },
  });
  return rows.map(({ stripeCustomerId, ...row }) => ({ ...row, customerId: stripeCustomerId }));
}

/** How many events have each outcome (for the customer, when one is given). */
export async function countEvents(
  db: PrismaClient,
  filter: Pick<EventFilter, "customerId"> = {},
): Promise<Record<EventOutcome, number>> {
  const groups = await db.webhookLog.groupBy({ by: ["outcome"], where: where(filter), _count: { _all: true } });
  const counts: Record<EventOutcome, number> = { queued: 0, applied: 0, failed: 0, ignored: 0 };
  for (const group of groups) {
    if ((EVENT_OUTCOMES as readonly string[]).includes(group.outcome))
      counts[group.outcome as EventOutcome] = group._count._all;
  }
  return counts;
}

export type RetrySelection = { ids: string[] } | { failed: true; customerId?: string | undefined };

export type RetryResult = {
  /** Events queued again, and the customers whose sync job was queued for them. */
  requeued: string[];
  customers: string[];
  /** Asked for by id, but not replayable: unknown, or about no customer (nothing to sync). */
  refused: Array<{ id: string; reason: string }>;
};

/**
 * Queues events again and, in the same statement, their customers' sync jobs (a job that
 * stopped after its last attempt is reset: attempts start again from zero). The job reads
 * Stripe as it is now, so a replay applies the current state, whatever the event said; its
 * side effects are keyed by event id and happen once.
 */
export async function retryEvents(db: PrismaClient, selection: RetrySelection): Promise<RetryResult> {
  // No ids named: nothing to requeue, and `IN ()` is no SQL.
  if ("ids" in selection && !selection.ids.length) return { requeued: [], customers: [], refused: [] };
  const ofCustomer =
    "customerId" in selection && selection.customerId
      ? Prisma.sql` AND stripe_customer_id = ${selection.customerId}`
      : Prisma.empty;
  const chosen =
    "ids" in selection
      ? Prisma.sql`id IN (${Prisma.join(selection.ids)})`
      : Prisma.sql`outcome = 'failed'${ofCustomer}`;
  const rows = await db.$queryRaw<Array<{ id: string; customer: string }>>`
    WITH requeued AS (
      UPDATE webhook_log SET outcome = 'queued', applied_at = NULL, error = NULL
      WHERE ${chosen} AND stripe_customer_id IS NOT NULL
      RETURNING id, stripe_customer_id AS customer
    ), jobs AS (
      SELECT ${enqueueCustomerSync(Prisma.sql`customer`)} FROM (SELECT DISTINCT customer FROM requeued) AS customers
    )
    SELECT id, customer FROM requeued, (SELECT count(*) FROM jobs) AS enqueued ORDER BY id`;
  const requeued = rows.map((row) => row.id);
  const refused: RetryResult["refused"] = [];
  if ("ids" in selection) {
    const missing = selection.ids.filter((id) => !requeued.includes(id));
    const known = await db.webhookLog.findMany({ where: { id: { in: missing } }, select: { id: true } });
    for (const id of missing) {
      refused.push({
        id,
        reason: known.some((row) => row.id === id)
          ? "about no customer: it was handled when it arrived, there is no sync to run"
          : "not in the webhook log",
      });
    }
  }
  return { requeued, customers: [...new Set(rows.map((row) => row.customer))], refused };
}
