// Swapping a subscription item's price mid-period: prorated credit and charge, or a reset cycle
// when the interval changes (Stripe then invoices right away).
import type Stripe from "stripe";
import { netOfDiscounts } from "./discounts.ts";
import type { App } from "../app.ts";
import { newId } from "../ids.ts";
import type { PendingProration } from "../store.ts";
import { addInterval } from "../time.ts";
import type { LineInput } from "./invoicing.ts";
import { describeLine } from "./subscription-lifecycle.ts";
import { buildItem, itemsList, planFromPrice } from "./subscription-items.ts";

export type ProrationBehavior = "create_prorations" | "none" | "always_invoice";

export interface ItemChange {
  id: string | null;
  price: Stripe.Price | null;
  quantity: number | null;
  deleted: boolean;
  metadata: Record<string, string> | null;
}

export interface SwapResult {
  items: Stripe.SubscriptionItem[];
  lines: LineInput[];
  /** The interval changed: the cycle restarts now and must be invoiced immediately. */
  resetCycle: { start: number; end: number } | null;
}

function productName(app: App, price: Stripe.Price): string {
  const id = typeof price.product === "string" ? price.product : price.product.id;
  return app.store.products.get(id)?.name ?? price.id;
}

function dateLabel(timestamp: number): string {
  return new Date(timestamp * 1000).toUTCString().slice(5, 16);
}

/** `prorationDate` prices the prorations (Stripe's `proration_date`); a new cycle starts at `now`. */
export function swapItems(
  app: App,
  sub: Stripe.Subscription,
  changes: ItemChange[],
  behavior: ProrationBehavior,
  now: number,
  prorationDate: number = now,
): SwapResult {
  let items = [...sub.items.data];
  const lines: LineInput[] = [];
  let resetCycle: SwapResult["resetCycle"] = null;
  const prorate = behavior !== "none" && sub.status !== "trialing";
  for (const change of changes) {
    const existing = change.id === null ? undefined : items.find((item) => item.id === change.id);
    if (existing !== undefined && change.deleted) {
      items = items.filter((item) => item.id !== existing.id);
      continue;
    }
    const price = change.price ?? existing?.price;
    if (price === undefined) continue;
    const quantity = change.quantity ?? existing?.quantity ?? 1;
    const start = existing?.current_period_start ?? items[0]?.current_period_start ?? now;
    const end = existing?.current_period_end ?? items[0]?.current_period_end ?? now;
    const next: Stripe.SubscriptionItem =
      existing === undefined
        ? buildItem({ price, quantity, metadata: change.metadata ?? {} }, sub.id, now, start, end)
        : { ...existing, price, plan: planFromPrice(price), quantity, metadata: change.metadata ?? existing.metadata };
    items = existing === undefined ? [...items, next] : items.map((item) => (item.id === next.id ? next : item));
    const oldRecurring = existing?.price.recurring;
    const newRecurring = price.recurring;
    const intervalChanged =
      oldRecurring !== undefined &&
      oldRecurring !== null &&
      newRecurring !== null &&
      (oldRecurring.interval !== newRecurring.interval || oldRecurring.interval_count !== newRecurring.interval_count);
    const fraction = end > start ? Math.max(0, end - prorationDate) / (end - start) : 0;
    if (existing !== undefined && prorate && fraction > 0) {
      const oldAmount = (existing.price.unit_amount ?? 0) * (existing.quantity ?? 1);
      lines.push({
        description: `Unused time on ${productName(app, existing.price)} after ${dateLabel(prorationDate)}`,
        amount: -netOfDiscounts(app, sub, Math.round(oldAmount * fraction), prorationDate),
        quantity: existing.quantity ?? 1,
        price: existing.price,
        subscriptionItemId: next.id,
        periodStart: prorationDate,
        periodEnd: end,
        proration: true,
      });
    }
    // In a trial nothing is billed yet: the new price starts when the trial ends, on its own cycle.
    if (intervalChanged && newRecurring !== null && sub.status !== "trialing") {
      resetCycle = { start: now, end: addInterval(now, newRecurring.interval, newRecurring.interval_count) };
      continue;
    }
    if (prorate && fraction > 0) {
      lines.push({
        description: `Remaining time on ${quantity} × ${productName(app, price)} after ${dateLabel(prorationDate)}`,
        amount: netOfDiscounts(app, sub, Math.round((price.unit_amount ?? 0) * quantity * fraction), prorationDate),
        quantity,
        price,
        subscriptionItemId: next.id,
        periodStart: prorationDate,
        periodEnd: end,
        proration: true,
      });
    }
  }
  if (resetCycle !== null) {
    const cycle = resetCycle;
    items = items.map((item) => ({ ...item, current_period_start: cycle.start, current_period_end: cycle.end }));
    for (const item of items) {
      lines.push({
        description: describeLine(app, item.price, item.quantity ?? 1),
        amount: (item.price.unit_amount ?? 0) * (item.quantity ?? 1),
        quantity: item.quantity ?? 1,
        price: item.price,
        subscriptionItemId: item.id,
        periodStart: cycle.start,
        periodEnd: cycle.end,
        proration: false,
      });
    }
  }
  return { items, lines, resetCycle };
}

export function asPending(lines: LineInput[]): PendingProration[] {
  return lines.map((line) => ({
    id: newId("invoiceItem"),
    description: line.description,
    amount: line.amount,
    currency: line.price.currency,
    priceId: line.price.id,
    productId: typeof line.price.product === "string" ? line.price.product : line.price.product.id,
    subscriptionItemId: line.subscriptionItemId,
    periodStart: line.periodStart,
    periodEnd: line.periodEnd,
  }));
}

export function withItems(sub: Stripe.Subscription, items: Stripe.SubscriptionItem[]): Stripe.Subscription {
  return { ...sub, items: itemsList(sub.id, items) };
}
