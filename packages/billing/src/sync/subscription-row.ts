// How a Stripe subscription becomes the columns of a subscriptions row: the sync writes
// these, and the benchmarks check the database against them.
import type Stripe from "stripe";

const toDate = (seconds: number | null | undefined) => (seconds == null ? null : new Date(seconds * 1000));

/** The columns we keep; periods come from the (first) item: the pinned API has none on the subscription. */
export function subscriptionRow(sub: Stripe.Subscription) {
  const item = sub.items.data[0];
  if (!item) return null;
  const price = item.price;
  return {
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

export type SubscriptionColumns = NonNullable<ReturnType<typeof subscriptionRow>>;
