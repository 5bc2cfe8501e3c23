// Subscription items: where this API version keeps the billing period, and their embedded price/plan.
import type Stripe from "stripe";
import type { App } from "../app.ts";
import { invalidRequest } from "../http/errors.ts";
import { newId } from "../ids.ts";
import { getOr404 } from "../resources/lookup.ts";

export function planFromPrice(price: Stripe.Price): Stripe.Plan {
  return {
    id: price.id,
    object: "plan",
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount_decimal,
    billing_scheme: price.billing_scheme,
    created: price.created,
    currency: price.currency,
    interval: price.recurring?.interval ?? "month",
    interval_count: price.recurring?.interval_count ?? 1,
    livemode: false,
    metadata: price.metadata,
    meter: null,
    nickname: price.nickname,
    product: typeof price.product === "string" ? price.product : price.product.id,
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: price.recurring?.trial_period_days ?? null,
    usage_type: price.recurring?.usage_type ?? "licensed",
  };
}

/** A price a subscription can bill: it must exist, be recurring and active. */
export function recurringPrice(app: App, priceId: string, param: string): Stripe.Price {
  const price = getOr404(app.store.prices, priceId, "price", param);
  if (price.recurring === null) {
    throw invalidRequest(
      `The price specified is set to \`type=one_time\` but this field only accepts prices with \`type=recurring\`.`,
      param,
    );
  }
  if (!price.active)
    throw invalidRequest(`The price specified is inactive. This field only accepts active prices.`, param);
  return price;
}

export interface ItemInput {
  price: Stripe.Price;
  quantity: number;
  metadata: Record<string, string>;
}

export function buildItem(
  input: ItemInput,
  subscriptionId: string,
  created: number,
  periodStart: number,
  periodEnd: number,
): Stripe.SubscriptionItem {
  return {
    id: newId("subscriptionItem"),
    object: "subscription_item",
    billing_thresholds: null,
    created,
    current_period_end: periodEnd,
    current_period_start: periodStart,
    current_trial: null,
    discounts: [],
    metadata: input.metadata,
    plan: planFromPrice(input.price),
    price: input.price,
    quantity: input.quantity,
    subscription: subscriptionId,
    tax_rates: [],
  };
}

export function itemsList(
  subscriptionId: string,
  items: Stripe.SubscriptionItem[],
): Stripe.ApiList<Stripe.SubscriptionItem> {
  return { object: "list", data: items, has_more: false, url: `/v1/subscription_items?subscription=${subscriptionId}` };
}

/** The earliest period end across items: when the subscription next renews. */
export function periodEnd(sub: Stripe.Subscription): number {
  return Math.min(...sub.items.data.map((item) => item.current_period_end));
}

export function withPeriod(sub: Stripe.Subscription, start: number, end: number): Stripe.Subscription {
  const items = sub.items.data.map((item) => ({ ...item, current_period_start: start, current_period_end: end }));
  return { ...sub, items: itemsList(sub.id, items) };
}

export function primaryPrice(sub: Stripe.Subscription): Stripe.Price {
  const first = sub.items.data[0];
  if (first === undefined) throw new Error(`subscription ${sub.id} has no items`);
  return first.price;
}

/** Items embed their price; keep them current when the price changes (no event, as in Stripe). */
export function refreshSubscriptionPrices(app: App, priceId: string): void {
  const price = app.store.prices.get(priceId);
  if (price === undefined) return;
  for (const sub of app.store.subscriptions.values()) {
    if (!sub.items.data.some((item) => item.price.id === priceId)) continue;
    const items = sub.items.data.map((item) =>
      item.price.id === priceId ? { ...item, price, plan: planFromPrice(price) } : item,
    );
    app.store.subscriptions.set(sub.id, { ...sub, items: itemsList(sub.id, items) });
  }
}
