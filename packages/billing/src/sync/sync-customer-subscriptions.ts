// "Sync from truth": the one convergent function that makes our subscriptions rows equal
// Stripe's, for one customer. The sync job, the checkout return and reconcile use it; none
// trusts an event payload's copy of the subscription. It comes in two halves so that no
// database transaction is open while Stripe answers: read Stripe, then write in one short
// transaction, and only if no later read has been written in the meantime.
import type { PrismaClient, Tx } from "@saas/db";
import type Stripe from "stripe";
import { queueDuplicateCancels } from "../checkout/duplicate-subscriptions.ts";
import { callStripe } from "../errors.ts";
import { emailSubscriptionChange } from "../notifications/billing-emails.ts";
import { queueSeatSyncIfOff } from "../seats/seat-sync.ts";
import { SUBSCRIPTION_EXPAND, subscriptionRow } from "./subscription-row.ts";

/** `organizationId` is the account's organization, null for a customer we never mapped. */
export type SyncOutcome = {
  customerId: string;
  known: boolean;
  changed: number;
  subscriptions: number;
  organizationId: string | null;
  /** False when a read that started later had already been written: this one changed nothing. */
  current: boolean;
};

/** Stripe's subscriptions of one customer, and when (by the database's clock) the read began. */
export type CustomerRead = { customerId: string; readAt: Date; subscriptions: Stripe.Subscription[] };

/**
 * The database's clock, in UTC, at the precision of its timestamp columns: the time a read
 * starts is compared with the times events were received, so both come from one clock.
 */
export async function databaseNow(db: PrismaClient | Tx): Promise<Date> {
  const [row] = await db.$queryRaw<Array<{ now: Date }>>`
    SELECT (clock_timestamp() AT TIME ZONE 'UTC')::timestamp(3) AS now`;
  if (!row) throw new Error("the database returned no time");
  return row.now;
}

/**
 * Reads the customer's subscriptions from Stripe. No transaction may be open around it;
 * `readAt` is `databaseNow` taken just before.
 */
export async function readCustomerSubscriptions(
  stripe: Stripe,
  customerId: string,
  readAt: Date,
  request: Stripe.RequestOptions = {},
): Promise<CustomerRead> {
  const subscriptions = await callStripe(async () => {
    const all: Stripe.Subscription[] = [];
    const params = { customer: customerId, status: "all" as const, limit: 100, expand: [...SUBSCRIPTION_EXPAND] };
    for await (const sub of stripe.subscriptions.list(params, request)) {
      all.push(sub);
    }
    return all;
  });
  return { customerId, readAt, subscriptions };
}

/**
 * Writes a read inside the caller's (short) transaction. The customer's row in
 * `customer_syncs` holds the start time of the latest read written; this write goes ahead
 * only if its read started later, and the row lock it takes serializes writers of one
 * customer across processes. So whoever writes has read last, and an old read (a slow job,
 * a checkout return racing a webhook) can never overwrite newer state.
 */
export async function writeCustomerSubscriptions(tx: Tx, read: CustomerRead): Promise<SyncOutcome> {
  const { customerId, readAt, subscriptions } = read;
  const newest = await tx.$queryRaw<Array<{ ok: number }>>`
    INSERT INTO customer_syncs (stripe_customer_id, read_at) VALUES (${customerId}, ${readAt})
    ON CONFLICT (stripe_customer_id) DO UPDATE SET read_at = EXCLUDED.read_at
      WHERE customer_syncs.read_at < EXCLUDED.read_at
    RETURNING 1 AS ok`;
  const account = await tx.account.findUnique({
    where: { stripeCustomerId: customerId },
    select: { id: true, organizationId: true },
  });
  const outcome = { customerId, subscriptions: subscriptions.length, organizationId: account?.organizationId ?? null };
  // A customer we never mapped (another app on the account, or a deleted user): nothing to write.
  if (!account) return { ...outcome, known: false, changed: 0, current: newest.length > 0 };
  if (!newest.length) return { ...outcome, known: true, changed: 0, current: false };

  const now = new Date();
  // One read for all of the customer's rows rather than one per subscription.
  const stored = await tx.subscription.findMany({
    where: { stripeSubscriptionId: { in: subscriptions.map((sub) => sub.id) } },
  });
  const byId = new Map(stored.map((row) => [row.stripeSubscriptionId, row]));
  let changed = 0;
  for (const sub of subscriptions) {
    const row = subscriptionRow(sub);
    if (!row) continue;
    const existing = byId.get(sub.id);
    const same =
      existing && Object.entries(row).every(([key, value]) => sameValue(existing[key as keyof typeof existing], value));
    if (same && existing.accountId === account.id) continue;
    changed++;
    await emailSubscriptionChange(tx, account.organizationId, sub.id, existing ?? null, row);
    await tx.subscription.upsert({
      where: { stripeSubscriptionId: sub.id },
      create: {
        ...row,
        stripeSubscriptionId: sub.id,
        accountId: account.id,
        stripeCustomerId: customerId,
        syncedAt: now,
      },
      update: { ...row, accountId: account.id, stripeCustomerId: customerId, syncedAt: now },
    });
    // A per-seat quantity Stripe changed (the dashboard, a checkout begun before a member
    // joined): the seat job brings it back to the member count.
    await queueSeatSyncIfOff(tx, account.organizationId, row);
  }
  // Two Checkouts paid at the same instant: the newer subscription is canceled by a job.
  await queueDuplicateCancels(tx, subscriptions, new Set(byId.keys()));
  return { ...outcome, known: true, changed, current: true };
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b;
}
