// Seats: a per-seat subscription's quantity is the organization's member count. Joining or
// leaving queues the organization's seat job in the transaction that changes the
// membership; the job reads the count and Stripe's quantity with no transaction open and,
// when they differ, sets Stripe's with prorations. Stripe stays the truth: the local
// quantity changes only when the customer's webhook sync brings Stripe's back.
import { Prisma, type PrismaClient, type Tx } from "@saas/db";
import type Stripe from "stripe";
import { findCatalogProduct } from "../catalog/catalog.ts";
import { callStripe } from "../errors.ts";

export const SEAT_SYNC_TASK = "billing.sync-seats";

/**
 * How long a queued seat job waits for more changes: members joining in a burst make one
 * update (Stripe allows 200 quantity updates an hour per subscription).
 */
const SEAT_SYNC_DELAY_MS = 2_000;

/** Attempts before the job gives up; `pnpm billing:reconcile` repairs what is left. */
const SEAT_SYNC_MAX_ATTEMPTS = 12;

/** Where a seat's quantity is billed: the subscription statuses that still invoice. */
export const BILLED_STATUSES = ["active", "trialing", "past_due"];

export type SeatSyncPayload = { organizationId: string };

/**
 * SQL that queues the organization's seat job. One pending job per organization (its key),
 * one running at a time (its queue); `preserve_run_at` keeps a burst's first run time, so
 * the burst is one job, and a change during a run queues one more behind it.
 */
function enqueueSeatSync(organizationId: string, delayMs = SEAT_SYNC_DELAY_MS): Prisma.Sql {
  return Prisma.sql`graphile_worker.add_job(
    ${SEAT_SYNC_TASK},
    json_build_object('organizationId', ${organizationId}::text),
    queue_name => 'seats:' || ${organizationId}::text,
    run_at => now() + ${delayMs}::int * interval '1 millisecond',
    job_key => 'seats:' || ${organizationId}::text,
    max_attempts => ${SEAT_SYNC_MAX_ATTEMPTS}::int,
    job_key_mode => 'preserve_run_at'
  )`;
}

/** Queues the organization's seat job in `tx`, the transaction that changed its members. */
export async function queueSeatSync(tx: Tx, organizationId: string): Promise<void> {
  await tx.$executeRaw`SELECT ${enqueueSeatSync(organizationId)}`;
}

/**
 * Queues the seat job, in the sync's transaction, when a billed per-seat subscription's
 * quantity as Stripe now has it is not the member count.
 */
export async function queueSeatSyncIfOff(
  tx: Tx,
  organizationId: string,
  row: { status: string; priceLookupKey: string | null; quantity: number },
): Promise<void> {
  if (!BILLED_STATUSES.includes(row.status) || !findCatalogProduct(row.priceLookupKey)?.perSeat) return;
  if (row.quantity !== (await seatCount(tx, organizationId))) await queueSeatSync(tx, organizationId);
}

export function parseSeatSyncPayload(payload: unknown): SeatSyncPayload {
  const organizationId = (payload as { organizationId?: unknown } | null)?.organizationId;
  if (typeof organizationId !== "string" || !organizationId)
    throw new Error(`not a seat sync payload: ${JSON.stringify(payload)}`);
  return { organizationId };
}

/** Seats are active members: pending invitations are not billed (docs/decisions/023). */
export function seatCount(db: PrismaClient | Tx, organizationId: string): Promise<number> {
  return db.membership.count({ where: { organizationId } });
}

export type SeatSyncResult = {
  organizationId: string;
  /** The member count, when the organization has a billed per-seat subscription. */
  seats: number | null;
  /** Stripe's quantity before this run, when it was changed. */
  changedFrom: number | null;
};

/**
 * Brings Stripe's quantity to the member count for the organization's billed per-seat
 * subscription, if it has one. The idempotency key names the job and the quantity, so a
 * retry of this job replays the same update, and a later job's update is a new one.
 */
export async function runSeatSync(
  { db, stripe }: { db: PrismaClient; stripe: Stripe },
  organizationId: string,
  jobId: string,
): Promise<SeatSyncResult> {
  const none = { organizationId, seats: null, changedFrom: null };
  const subscription = await db.subscription.findFirst({
    where: { account: { organizationId }, status: { in: BILLED_STATUSES } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { stripeSubscriptionId: true, priceLookupKey: true },
  });
  // A flat plan, as last synced: no Stripe read. Once a switch to a per-seat plan is synced,
  // the sync queues this job again (queueSeatSyncIfOff).
  if (!subscription || !findCatalogProduct(subscription.priceLookupKey)?.perSeat) return none;
  const seats = await seatCount(db, organizationId);
  const live = await callStripe(() =>
    stripe.subscriptions.retrieve(subscription.stripeSubscriptionId, { expand: ["items.data.price"] }),
  );
  const item = perSeatItem(live);
  if (!item || !BILLED_STATUSES.includes(live.status)) return none;
  if (item.quantity === seats) return { organizationId, seats, changedFrom: null };
  await callStripe(() =>
    stripe.subscriptions.update(
      live.id,
      { items: [{ id: item.id, quantity: seats }], proration_behavior: "create_prorations" },
      { idempotencyKey: `seats:${jobId}:${seats}` },
    ),
  );
  return { organizationId, seats, changedFrom: item.quantity ?? 1 };
}

/** The subscription's item for a per-seat plan of the catalog, if it has one. */
function perSeatItem(subscription: Stripe.Subscription): Stripe.SubscriptionItem | null {
  return subscription.items.data.find((item) => findCatalogProduct(item.price.lookup_key)?.perSeat) ?? null;
}
