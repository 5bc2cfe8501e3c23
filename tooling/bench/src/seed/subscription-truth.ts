// Stripe's truth about every subscription, shaped as the app's subscriptions rows
// (the same mapping as packages/billing's sync): what the baseline writes and what the
// end state is checked against.
import type Stripe from "stripe";

export type SubscriptionRow = {
  stripeSubscriptionId: string;
  stripeCustomerId: string;
  status: string;
  stripePriceId: string;
  stripeProductId: string;
  priceLookupKey: string | null;
  quantity: number;
  currentPeriodStart: Date;
  currentPeriodEnd: Date;
  cancelAtPeriodEnd: boolean;
  cancelAt: Date | null;
  canceledAt: Date | null;
  endedAt: Date | null;
  trialEnd: Date | null;
};

const toDate = (seconds: number | null | undefined) => (seconds == null ? null : new Date(seconds * 1000));

export function toRow(sub: Stripe.Subscription): SubscriptionRow | null {
  const item = sub.items.data[0];
  if (!item) return null;
  const price = item.price;
  return {
    stripeSubscriptionId: sub.id,
    stripeCustomerId: typeof sub.customer === "string" ? sub.customer : sub.customer.id,
    status: sub.status,
    stripePriceId: price.id,
    stripeProductId: typeof price.product === "string" ? price.product : price.product.id,
    priceLookupKey: price.lookup_key,
    quantity: item.quantity ?? 1,
    currentPeriodStart: new Date(item.current_period_start * 1000),
    currentPeriodEnd: new Date(item.current_period_end * 1000),
    cancelAtPeriodEnd: sub.cancel_at_period_end,
    cancelAt: toDate(sub.cancel_at),
    canceledAt: toDate(sub.canceled_at),
    endedAt: toDate(sub.ended_at),
    trialEnd: toDate(sub.trial_end),
  };
}

/** Every subscription of the given customers, grouped by customer. */
export async function fetchTruth(stripe: Stripe, customers: ReadonlySet<string>): Promise<Map<string, SubscriptionRow[]>> {
  const truth = new Map<string, SubscriptionRow[]>();
  let seen = 0;
  for await (const sub of stripe.subscriptions.list({ status: "all", limit: 100, expand: ["data.items.data.price"] })) {
    if (++seen > 200_000) break; // bounded
    const row = toRow(sub);
    if (!row || !customers.has(row.stripeCustomerId)) continue;
    truth.set(row.stripeCustomerId, [...(truth.get(row.stripeCustomerId) ?? []), row]);
  }
  return truth;
}
