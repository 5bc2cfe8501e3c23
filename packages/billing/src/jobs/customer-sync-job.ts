// The customer's sync job: the work of every webhook event about one customer, done once
// for all of the events that arrived before it began. Stripe is read with no transaction
// open; then one short transaction writes the subscriptions (only if no later read was
// written first), the events' side effects, and marks those events applied. The queue runs
// one job per customer at a time and retries a failed one with back-off; a run that Stripe's
// rate limit turned back is no failure, and tasks.ts queues it again for later.
import type { PrismaClient, Tx } from "@saas/db";
import type Stripe from "stripe";
import { callStripe, isStripeNotFound, isStripeRateLimited } from "../errors.ts";
import {
  databaseNow,
  readCustomerSubscriptions,
  writeCustomerSubscriptions,
  type CustomerRead,
} from "../sync/sync-customer-subscriptions.ts";
import { TRANSACTION_LIMITS } from "../transaction-limits.ts";
import { applyDunning, readDunningInvoices } from "../webhooks/dunning.ts";
import { CUSTOMER_SYNC_MAX_ATTEMPTS } from "./queue.ts";

export type CustomerSyncDeps = { db: PrismaClient; stripe: Stripe };

export type CustomerSyncResult = {
  customerId: string;
  /** Events marked applied by this run. */
  applied: number;
  /** Stripe requests this run made. */
  stripeRequests: number;
  /** False when a later read had been written already, so this one wrote no subscriptions. */
  current: boolean;
};

/** Where the queue is in a job's life: the attempt now running (from 1) and the last one allowed. */
export type JobAttempt = { attempt: number; maxAttempts: number };

type PendingEvent = { id: string; event: Stripe.Event };

export async function runCustomerSync(
  deps: CustomerSyncDeps,
  customerId: string,
  attempt: JobAttempt = { attempt: 1, maxAttempts: CUSTOMER_SYNC_MAX_ATTEMPTS },
): Promise<CustomerSyncResult> {
  const readAt = await databaseNow(deps.db);
  const pending = await pendingEvents(deps.db, customerId, readAt);
  // Coalesced away: an earlier run applied these events already.
  if (!pending.length) return { customerId, applied: 0, stripeRequests: 0, current: true };
  try {
    return await syncAndApply(deps, customerId, readAt, pending);
  } catch (error) {
    // Not a failure of the events: the task backs off and runs again (tasks.ts).
    if (isStripeRateLimited(error)) throw error;
    await recordFailure(deps.db, pending, error, attempt.attempt >= attempt.maxAttempts);
    throw error;
  }
}

async function syncAndApply(
  deps: CustomerSyncDeps,
  customerId: string,
  readAt: Date,
  pending: PendingEvent[],
): Promise<CustomerSyncResult> {
  const { db, stripe } = deps;
  const events = pending.map((p) => p.event);
  let stripeRequests = 0;
  /** Nothing to change: the events are acknowledged as applied. */
  const acknowledge = async (): Promise<CustomerSyncResult> => {
    const applied = await db.$transaction((tx) => markApplied(tx, pending), TRANSACTION_LIMITS.write);
    return { customerId, applied, stripeRequests, current: true };
  };
  const mapped = await db.account.findUnique({ where: { stripeCustomerId: customerId }, select: { id: true } });
  // A customer we never mapped: nothing to read or change.
  if (!mapped) return acknowledge();

  // The payload only names the customer: whether it is gone is Stripe's to say.
  let deleted = false;
  if (events.some((e) => e.type === "customer.deleted")) {
    stripeRequests++;
    const state = await customerState(stripe, customerId);
    if (state === "unknown") return acknowledge();
    deleted = state === "deleted";
  }
  stripeRequests++;
  const read = await readSubscriptions(stripe, customerId, readAt, { tolerateMissing: deleted });
  const invoices = await readDunningInvoices(stripe, events);
  stripeRequests += invoices.size;

  return db.$transaction(async (tx) => {
    const synced = await writeCustomerSubscriptions(tx, read);
    if (deleted) await unmapDeletedCustomer(tx, customerId);
    else if (synced.userId) {
      for (const event of events) await applyDunning(tx, event, synced.userId, invoices);
    }
    const applied = await markApplied(tx, pending);
    return { customerId, applied, stripeRequests, current: synced.current };
  }, TRANSACTION_LIMITS.write);
}

/** The customer's events still waiting, received before this run's read began: oldest first. */
async function pendingEvents(db: PrismaClient, customerId: string, readAt: Date): Promise<PendingEvent[]> {
  const rows = await db.$queryRaw<Array<{ id: string; payload: Stripe.Event | null }>>`
    SELECT id, payload FROM webhook_log
    WHERE stripe_customer_id = ${customerId} AND outcome = 'queued' AND received_at <= ${readAt}
    ORDER BY stripe_created_at, received_at, id`;
  return rows.flatMap((row) => (row.payload ? [{ id: row.id, event: row.payload }] : []));
}

/** Only rows still queued: a replay that raced this run applies nothing twice. */
async function markApplied(tx: Tx, pending: PendingEvent[]): Promise<number> {
  const done = await tx.webhookLog.updateMany({
    where: { id: { in: pending.map((p) => p.id) }, outcome: "queued" },
    data: { outcome: "applied", appliedAt: new Date(), error: null },
  });
  return done.count;
}

/** Visible in `pnpm billing:events`: why it failed, and `failed` once the queue gives up. */
async function recordFailure(db: PrismaClient, pending: PendingEvent[], error: unknown, final: boolean) {
  const message = error instanceof Error ? error.message : String(error);
  await db.webhookLog
    .updateMany({
      where: { id: { in: pending.map((p) => p.id) }, outcome: "queued" },
      data: { error: message.slice(0, 1_000), ...(final ? { outcome: "failed" } : {}) },
    })
    // The database may be what failed: the queue's own record of the attempt still holds.
    .catch(() => undefined);
}

/** A deleted customer's subscriptions may be gone from Stripe too: then there are none. */
async function readSubscriptions(
  stripe: Stripe,
  customerId: string,
  readAt: Date,
  options: { tolerateMissing: boolean },
): Promise<CustomerRead> {
  try {
    return await readCustomerSubscriptions(stripe, customerId, readAt);
  } catch (error) {
    if (options.tolerateMissing && isStripeNotFound(error)) return { customerId, readAt, subscriptions: [] };
    throw error;
  }
}

/** "unknown": Stripe has never heard of it, so it cannot have been deleted either; nothing to do. */
async function customerState(stripe: Stripe, customerId: string): Promise<"live" | "deleted" | "unknown"> {
  const customer = await callStripe(() => stripe.customers.retrieve(customerId)).catch((error: unknown) => {
    if (isStripeNotFound(error)) return null;
    throw error;
  });
  if (!customer) return "unknown";
  return customer.deleted === true ? "deleted" : "live";
}

/**
 * Stripe cancels a deleted customer's subscriptions: its record of them was written above
 * where it still lists them; the rest are marked ended, and the account is unmapped so it
 * can start over.
 */
async function unmapDeletedCustomer(tx: Tx, customerId: string): Promise<void> {
  const now = new Date();
  await tx.subscription.updateMany({
    where: { stripeCustomerId: customerId, status: { notIn: ["canceled", "incomplete_expired"] } },
    data: { status: "canceled", canceledAt: now, endedAt: now, syncedAt: now },
  });
  await tx.account.updateMany({ where: { stripeCustomerId: customerId }, data: { stripeCustomerId: null } });
}
