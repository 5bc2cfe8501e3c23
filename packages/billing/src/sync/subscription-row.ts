// How a Stripe subscription becomes the columns of a subscriptions row: the sync writes
// these, and the benchmarks check the database against them.
import type Stripe from "stripe";

const toDate = (seconds: number | null | undefined) => (seconds == null ? null : new Date(seconds * 1000));

/** What `subscriptionRow` reads beyond the subscription itself: prices, and discounts with their terms. */
export const SUBSCRIPTION_EXPAND = [
  "data.items.data.price",
  "data.discounts.source.coupon",
  "data.discounts.promotion_code",
] as const;

/** The subscription's (first) discount, if the read expanded it: its code or name, and its terms. */
function discountColumns(sub: Stripe.Subscription) {
  const discount = sub.discounts.find((entry): entry is Stripe.Discount => typeof entry === "object" && !entry.deleted);
  const coupon = typeof discount?.source.coupon === "object" ? discount.source.coupon : null;
  if (!discount || !coupon) {
    return {
      discountName: null,
      discountPercentOff: null,
      discountAmountOff: null,
      discountDuration: null,
      discountEnd: null,
    };
  }
  const code = typeof discount.promotion_code === "object" ? discount.promotion_code?.code : undefined;
  return {
    discountName: code ?? coupon.name ?? coupon.id,
    discountPercentOff: coupon.percent_off,
    discountAmountOff: coupon.amount_off,
    discountDuration: coupon.duration,
    discountEnd: toDate(discount.end),
  };
}

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
    ...discountColumns(sub),
  };
}

export type SubscriptionColumns = NonNullable<ReturnType<typeof subscriptionRow>>;
