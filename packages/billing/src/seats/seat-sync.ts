// Seats: a per-seat subscription's quantity is the organization's member count. Joining or
// leaving queues the organization's seat job in the transaction that changes the
// membership; the job reads the count and Stripe's quantity with no transaction open and,
// when they differ, sets Stripe's with prorations. Stripe stays the truth: the local
// quantity changes only when the customer's webhook sync brings Stripe's back.
import { randomUUID } from "node:crypto";
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
 * Queues the seat job, in the sync's transaction, when a billed subscription's quantity as
 * Stripe now has it is not what its plan is for: the member count per seat, 1 when flat.
 */
export async function queueSeatSyncIfOff(
  tx: Tx,
  organizationId: string,
  row: { status: string; priceLookupKey: string | null; quantity: number },
): Promise<void> {
  const product = findCatalogProduct(row.priceLookupKey);
  if (!BILLED_STATUSES.includes(row.status) || !product) return;
  const wanted = product.perSeat ? await seatCount(tx, organizationId) : 1;
  if (row.quantity !== wanted) await queueSeatSync(tx, organizationId);
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
  /**
   * The quantity the billed plan is for: the member count on a per-seat plan, 1 on a flat
   * one; null with no billed plan (or a flat one with its one unit, not read from Stripe).
   */
  seats: number | null;
  /** Stripe's quantity before this run, when it was changed. */
  changedFrom: number | null;
};

/**
 * Brings Stripe's quantity for the organization's billed subscription to what its plan is
 * for: the member count on a per-seat plan, 1 on a flat one. Every attempt reads Stripe
 * afresh, so setting the absolute quantity is safe to repeat.
 */
export async function runSeatSync(
  { db, stripe }: { db: PrismaClient; stripe: Stripe },
  organizationId: string,
  run: { jobId: string; attempt: number },
): Promise<SeatSyncResult> {
  const none = { organizationId, seats: null, changedFrom: null };
  const subscription = await db.subscription.findFirst({
    where: { account: { organizationId }, status: { in: BILLED_STATUSES } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { stripeSubscriptionId: true, priceLookupKey: true, quantity: true },
  });
  const synced = findCatalogProduct(subscription?.priceLookupKey);
  // A flat plan with its one unit, as last synced: no Stripe read. A switch of plan, once
  // synced, queues this job again (queueSeatSyncIfOff).
  if (!subscription || !synced || (!synced.perSeat && subscription.quantity === 1)) return none;
  const members = await seatCount(db, organizationId);
  const live = await callStripe(() =>
    stripe.subscriptions.retrieve(subscription.stripeSubscriptionId, { expand: ["items.data.price"] }),
  );
  const item = live.items.data.find((candidate) => findCatalogProduct(candidate.price.lookup_key));
  if (!item || !BILLED_STATUSES.includes(live.status)) return none;
  // A switch from Team to a flat plan in the portal keeps Team's quantity: the flat plan is one unit.
  const seats = findCatalogProduct(item.price.lookup_key)?.perSeat ? members : 1;
  if (item.quantity === seats) return { organizationId, seats, changedFrom: null };
  await callStripe(() =>
    stripe.subscriptions.update(
      live.id,
      { items: [{ id: item.id, quantity: seats }], proration_behavior: "create_prorations" },
      // One key per call: the SDK's own retries of this request replay it, while every run
      // (the queue may re-run a job under the same id and attempt count after a new change)
      // reads afresh and sends a request of its own.
      { idempotencyKey: `seats:${live.id}:${item.quantity ?? 1}-${seats}:${run.jobId}.${run.attempt}:${randomUUID()}` },
    ),
  );
  return { organizationId, seats, changedFrom: item.quantity ?? 1 };
}
