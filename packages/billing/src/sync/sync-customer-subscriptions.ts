// "Sync from truth": the one convergent function that makes our subscriptions rows
// equal Stripe's, for one customer. Every webhook, the checkout return and reconcile
// call it; none trusts an event payload's copy of the subscription.
import type { Tx } from "@saas/db";
import type Stripe from "stripe";
import { callStripe } from "../errors.ts";
import { subscriptionRow } from "./subscription-row.ts";

/** `userId` is the account owner, null for a customer we never mapped. */
export type SyncOutcome = {
  customerId: string;
  known: boolean;
  changed: number;
  subscriptions: number;
  userId: string | null;
};

/**
 * Runs inside the caller's transaction. A transaction-scoped advisory lock per customer
 * serializes syncs of one customer across processes; Stripe is read after taking it, so
 * whoever writes last has read last, and an old event can never overwrite newer state.
 */
export async function syncCustomerSubscriptions(
  tx: Tx,
  stripe: Stripe,
  customerId: string,
  request: Stripe.RequestOptions = {},
): Promise<SyncOutcome> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`stripe-customer:${customerId}`}, 0))`;
  const account = await tx.account.findUnique({
    where: { stripeCustomerId: customerId },
    select: { id: true, userId: true },
  });
  // A customer we never mapped (another app on the account, or a deleted user): nothing to sync.
  if (!account) return { customerId, known: false, changed: 0, subscriptions: 0, userId: null };

  const subscriptions = await callStripe(async () => {
    const all: Stripe.Subscription[] = [];
    const params = { customer: customerId, status: "all" as const, limit: 100, expand: ["data.items.data.price"] };
    for await (const sub of stripe.subscriptions.list(params, request)) {
      all.push(sub);
    }
    return all;
  });

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
  }
  return { customerId, known: true, changed, subscriptions: subscriptions.length, userId: account.userId };
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b;
}
