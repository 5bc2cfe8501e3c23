// What the reliability runs check against: Stripe's truth for our rows, the emulator's
// delivery log for webhook_log, and the handler's own outcome lines for exactly-once effects.
import type { PrismaClient } from "@saas/db";
import type { DeliveryRecord } from "@saas/stripe-emulator";
import type Stripe from "stripe";
import { HANDLED_EVENTS, type WebhookLogLine } from "../../src/webhooks/handle-stripe-webhook.ts";

const ms = (seconds: number | null | undefined) => (seconds == null ? null : seconds * 1000);
const msOf = (date: Date | null) => date?.getTime() ?? null;

/** The columns that must equal Stripe's: status, price, period end from the item, cancellation. */
type Comparable = {
  status: string;
  price: string;
  periodEnd: number | null;
  cancelAtPeriodEnd: boolean;
  cancelAt: number | null;
  canceledAt: number | null;
  endedAt: number | null;
};
export type Mismatch = { subscription: string; stripe: Comparable | null; row: Comparable | null };

/**
 * Every subscription of these customers where our row and Stripe differ (missing rows and
 * rows Stripe lacks included).
 */
export async function subscriptionMismatches(
  db: PrismaClient,
  stripe: Stripe,
  customerIds: readonly string[],
): Promise<Mismatch[]> {
  const truth = new Map<string, Comparable>();
  for (const customer of customerIds) {
    for await (const sub of stripe.subscriptions.list({ customer, status: "all", limit: 100 })) {
      const item = sub.items.data[0];
      truth.set(sub.id, {
        status: sub.status,
        price: item?.price.id ?? "",
        periodEnd: ms(item?.current_period_end),
        cancelAtPeriodEnd: sub.cancel_at_period_end,
        cancelAt: ms(sub.cancel_at),
        canceledAt: ms(sub.canceled_at),
        endedAt: ms(sub.ended_at),
      });
    }
  }
  const rows = new Map<string, Comparable>();
  for (const row of await db.subscription.findMany({ where: { stripeCustomerId: { in: [...customerIds] } } })) {
    rows.set(row.stripeSubscriptionId, {
      status: row.status,
      price: row.stripePriceId,
      periodEnd: msOf(row.currentPeriodEnd),
      cancelAtPeriodEnd: row.cancelAtPeriodEnd,
      cancelAt: msOf(row.cancelAt),
      canceledAt: msOf(row.canceledAt),
      endedAt: msOf(row.endedAt),
    });
  }
  const ids = new Set([...truth.keys(), ...rows.keys()]);
  return [...ids]
    .map((id) => ({ subscription: id, stripe: truth.get(id) ?? null, row: rows.get(id) ?? null }))
    .filter(({ stripe: expected, row }) => JSON.stringify(expected) !== JSON.stringify(row));
}

/** Events Stripe emitted, oldest first, with the object each is about (the emulator keeps order per object). */
export async function listEvents(stripe: Stripe): Promise<Array<{ id: string; type: string; objectId: string }>> {
  const events: Array<{ id: string; type: string; objectId: string }> = [];
  for await (const event of stripe.events.list({ limit: 100 })) {
    events.push({ id: event.id, type: event.type, objectId: (event.data.object as { id?: string }).id ?? "" });
  }
  return events.reverse();
}

export type DeliverySummary = {
  /** Distinct events the endpoint was sent. */
  events: number;
  /** Every POST, retries and duplicates included. */
  attempts: number;
  duplicates: number;
  retries: number;
  failedAttempts: number;
  /** First deliveries that reached the endpoint after a newer event about the same object. */
  reordered: number;
  /** Events whose every attempt failed: the endpoint never acknowledged them. */
  neverAcknowledged: string[];
};

export function summarizeDeliveries(
  records: readonly DeliveryRecord[],
  events: ReadonlyArray<{ id: string; objectId: string }>,
): DeliverySummary {
  const order = new Map(events.map((event, index) => [event.id, { index, objectId: event.objectId }]));
  const newestSeen = new Map<string, number>();
  let reordered = 0;
  for (const record of records) {
    if (record.attempt !== 1 || record.duplicate) continue;
    const event = order.get(record.eventId);
    if (!event) continue;
    const newest = newestSeen.get(event.objectId) ?? -1;
    if (event.index < newest) reordered++;
    else newestSeen.set(event.objectId, event.index);
  }
  const acknowledged = new Set(records.filter((r) => r.ok).map((r) => r.eventId));
  const sent = new Set(records.map((r) => r.eventId));
  return {
    events: sent.size,
    attempts: records.length,
    duplicates: records.filter((r) => r.duplicate && r.attempt === 1).length,
    retries: records.filter((r) => r.attempt > 1).length,
    failedAttempts: records.filter((r) => !r.ok).length,
    reordered,
    neverAcknowledged: [...sent].filter((id) => !acknowledged.has(id)),
  };
}

/**
 * Ids the endpoint was sent that webhook_log lacks, and logged ids it was never sent (rows
 * are unique by primary key).
 */
export async function logGaps(
  db: PrismaClient,
  records: readonly DeliveryRecord[],
): Promise<{ missing: string[]; unexpected: string[] }> {
  const sent = new Set(records.map((r) => r.eventId));
  const logged = new Set((await db.webhookLog.findMany({ select: { id: true } })).map((row) => row.id));
  return { missing: [...sent].filter((id) => !logged.has(id)), unexpected: [...logged].filter((id) => !sent.has(id)) };
}

/**
 * Handled events not taken in exactly once: each must have exactly one answer that recorded
 * it ("queued", or "applied" when there was nothing to do) however many deliveries failed or
 * were duplicates. An event that failed and was then answered "duplicate" was half written.
 */
export function notAcceptedOnce(
  lines: readonly WebhookLogLine[],
  options: { lateCommits?: boolean } = {},
): Array<{ event: string; outcomes: string[] }> {
  const outcomes = new Map<string, string[]>();
  for (const line of lines) {
    if (!line.event || !line.type || !HANDLED_EVENTS.has(line.type)) continue;
    outcomes.set(line.event, [...(outcomes.get(line.event) ?? []), line.outcome]);
  }
  const accepted = (outcome: string) => outcome === "queued" || outcome === "applied";
  /**
   * With `lateCommits`, a statement the app gave up on (a frozen server: the client's timeout
   * answered 5xx) may still commit when the server resumes, its row and job together; the next
   * delivery then rightly answers "duplicate". With no other acceptance, that duplicate beside
   * the failures counts as the acceptance. (An injected failure rolls back, so the other runs stay strict.)
   */
  const acceptances = (seen: string[]) => {
    const direct = seen.filter(accepted).length;
    if (direct || !options.lateCommits) return direct;
    // Lines of several processes are not in time order: a duplicate at all means the row exists.
    return seen.includes("duplicate") && seen.includes("failed") ? 1 : 0;
  };
  return [...outcomes]
    .filter(([, seen]) => acceptances(seen) !== 1)
    .map(([event, seen]) => ({ event, outcomes: seen }));
}

/** Handled events in webhook_log that the sync job has not (yet) applied. */
export async function notApplied(db: PrismaClient): Promise<Array<{ id: string; outcome: string }>> {
  const rows = await db.webhookLog.findMany({
    where: { outcome: { not: "applied" }, type: { in: [...HANDLED_EVENTS] } },
    select: { id: true, outcome: true },
  });
  return rows;
}

/** (user, dedupe key) pairs with more than one notification. */
function duplicateNotifications(
  db: PrismaClient,
): Promise<Array<{ user_id: string; dedupe_key: string | null; count: bigint }>> {
  return db.$queryRaw`
    SELECT user_id, dedupe_key, count(*) AS count FROM notifications
    GROUP BY user_id, dedupe_key HAVING count(*) > 1`;
}

/**
 * Everything a run must end with, checked at once so that a broken run reports every
 * property it violates: each list is empty (see CONVERGED) when the pipeline held.
 */
export async function convergenceViolations(run: {
  db: PrismaClient;
  stripe: Stripe;
  records: readonly DeliveryRecord[];
  summary: DeliverySummary;
  lines: readonly WebhookLogLine[];
  customerIds: readonly string[];
  lateCommits?: boolean;
}) {
  return {
    // Every event the endpoint was sent was acknowledged in the end...
    neverAcknowledged: run.summary.neverAcknowledged,
    // ...and has exactly one webhook_log row,
    logGaps: await logGaps(run.db, run.records),
    // taken in once however many deliveries failed or were duplicates,
    notAcceptedOnce: notAcceptedOnce(run.lines, { lateCommits: run.lateCommits }),
    // and applied by a job;
    notApplied: await notApplied(run.db),
    // our rows equal Stripe's for every subscription of every customer,
    subscriptionMismatches: await subscriptionMismatches(run.db, run.stripe, run.customerIds),
    // and every side effect happened once.
    duplicateNotifications: await duplicateNotifications(run.db),
  };
}

export const CONVERGED: Awaited<ReturnType<typeof convergenceViolations>> = {
  neverAcknowledged: [],
  logGaps: { missing: [], unexpected: [] },
  notAcceptedOnce: [],
  notApplied: [],
  subscriptionMismatches: [],
  duplicateNotifications: [],
};
