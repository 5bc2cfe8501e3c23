// Discounts: a coupon redeemed (directly or through a promotion code) onto a subscription,
// what it takes off an invoice, and when it stops applying. As Stripe does it: a subscription
// discount is an invoice-level discount over the discountable lines (not prorations); a
// `once` coupon is spent by the first invoice it reduces, a `repeating` one ends after its
// months, a `forever` one never does.
import type Stripe from "stripe";
import type { App } from "../app.ts";
import { invalidRequest } from "../http/errors.ts";
import type { Params } from "../http/params.ts";
import { newId } from "../ids.ts";
import { getOr404, idOf } from "../resources/lookup.ts";
import { addInterval, nowFor } from "../time.ts";

/** The coupon and promotion code a Checkout Session or a create call asked for. */
export interface DiscountRequest {
  coupon: Stripe.Coupon;
  promotionCode: Stripe.PromotionCode | null;
}

const INVALID_CODE = "This code is invalid.";

/**
 * The promotion code a customer typed, if it can be redeemed now by this customer on an order
 * of `amount`; otherwise the error Checkout shows under the field.
 */
export function redeemableCode(
  app: App,
  code: string,
  options: { customerId: string | null; amount: number; currency: string },
): DiscountRequest {
  const wanted = code.trim().toUpperCase();
  const promotionCode = [...app.store.promotionCodes.values()].find(
    (candidate) => candidate.active && candidate.code.toUpperCase() === wanted,
  );
  if (wanted === "" || promotionCode === undefined) throw invalidRequest(INVALID_CODE, "promotion_code");
  const coupon = app.store.coupons.get(idOf(promotionCode.promotion.coupon) ?? "");
  const now = nowFor(app.store, options.customerId);
  const spent = (max: number | null, used: number) => max !== null && used >= max;
  if (
    coupon === undefined ||
    !couponRedeemable(coupon, now) ||
    (promotionCode.expires_at !== null && promotionCode.expires_at <= now) ||
    spent(promotionCode.max_redemptions, promotionCode.times_redeemed) ||
    (promotionCode.customer !== null && idOf(promotionCode.customer) !== options.customerId)
  ) {
    throw invalidRequest(INVALID_CODE, "promotion_code");
  }
  const minimum = promotionCode.restrictions.minimum_amount;
  if (minimum !== null && options.amount < minimum) {
    throw invalidRequest("This code cannot be applied to an order of this amount.", "promotion_code");
  }
  if (coupon.currency !== null && coupon.currency !== options.currency) {
    throw invalidRequest(INVALID_CODE, "promotion_code");
  }
  return { coupon, promotionCode };
}

/** `discounts[]` of a create call: a coupon, or a promotion code for one, redeemed up front. */
export function readDiscounts(app: App, input: Params, now: number): DiscountRequest[] {
  const entries = input.childList("discounts", ["coupon", "promotion_code"]) ?? [];
  if (entries.length > 1) throw invalidRequest("You may only specify one discount.", "discounts");
  return entries.map((entry) => {
    const promotionCodeId = entry.string("promotion_code");
    const promotionCode =
      promotionCodeId === undefined
        ? null
        : getOr404(app.store.promotionCodes, promotionCodeId, "promotion code", entry.name("promotion_code"));
    const couponId = promotionCode === null ? entry.requiredString("coupon") : idOf(promotionCode.promotion.coupon);
    const coupon = getOr404(app.store.coupons, couponId ?? "", "coupon", entry.name("coupon"));
    if (!couponRedeemable(coupon, now) || (promotionCode !== null && !promotionCode.active)) {
      throw invalidRequest(`The coupon ${coupon.id} can no longer be redeemed.`, entry.name("coupon"));
    }
    return { coupon, promotionCode };
  });
}

function couponRedeemable(coupon: Stripe.Coupon, now: number): boolean {
  return (
    coupon.valid &&
    (coupon.redeem_by === null || coupon.redeem_by > now) &&
    (coupon.max_redemptions === null || coupon.times_redeemed < coupon.max_redemptions)
  );
}

/** What the coupon takes off `amount` (never more than the amount). */
function discountOff(coupon: Stripe.Coupon, amount: number): number {
  if (amount <= 0) return 0;
  if (coupon.percent_off !== null) return Math.min(amount, Math.round((amount * coupon.percent_off) / 100));
  return Math.min(amount, coupon.amount_off ?? 0);
}

/** Redeems the coupon onto a subscription: the Discount object, the redemption counts, the event. */
export function redeemDiscount(
  app: App,
  request: DiscountRequest,
  target: { customerId: string; subscriptionId: string; checkoutSessionId: string | null },
): Stripe.Discount {
  const start = nowFor(app.store, target.customerId);
  const { coupon, promotionCode } = request;
  const discount: Stripe.Discount = {
    id: newId("discount"),
    object: "discount",
    checkout_session: target.checkoutSessionId,
    customer: target.customerId,
    customer_account: null,
    end:
      coupon.duration === "repeating" && coupon.duration_in_months !== null
        ? addInterval(start, "month", coupon.duration_in_months)
        : null,
    invoice: null,
    invoice_item: null,
    promotion_code: promotionCode?.id ?? null,
    source: { type: "coupon", coupon: coupon.id },
    start,
    subscription: target.subscriptionId,
    subscription_item: null,
  };
  app.store.discounts.set(discount.id, discount);
  app.store.coupons.set(coupon.id, { ...coupon, times_redeemed: coupon.times_redeemed + 1 });
  if (promotionCode !== null) {
    app.store.promotionCodes.set(promotionCode.id, {
      ...promotionCode,
      times_redeemed: promotionCode.times_redeemed + 1,
    });
  }
  app.events.emit("customer.discount.created", discount);
  return discount;
}

/** A discount's id (or, before it is redeemed, its coupon's) and its coupon. */
export interface AppliedCoupon {
  id: string;
  coupon: Stripe.Coupon;
}

/** The subscription's discounts that still apply at `now`, with their coupons. */
export function activeDiscounts(app: App, sub: Stripe.Subscription, now: number): AppliedCoupon[] {
  return sub.discounts.flatMap((entry) => {
    const discount = app.store.discounts.get(idOf(entry) ?? "");
    const coupon = app.store.coupons.get(idOf(discount?.source.coupon) ?? "");
    if (discount === undefined || coupon === undefined) return [];
    if (discount.end !== null && discount.end <= now) return [];
    return [{ id: discount.id, coupon }];
  });
}

export interface InvoiceDiscount {
  /** Per line, in the lines' order: what the invoice's discounts take off it. */
  perLine: Stripe.InvoiceLineItem.DiscountAmount[][];
  totals: Stripe.Invoice.TotalDiscountAmount[];
  ids: string[];
}

/** Applies the discounts in order to the discountable lines, each on what the previous left. */
export function discountLines(
  lines: Array<{ amount: number; discountable: boolean }>,
  discounts: AppliedCoupon[],
): InvoiceDiscount {
  const remaining = lines.map((line) => (line.discountable ? Math.max(0, line.amount) : 0));
  const perLine: Stripe.InvoiceLineItem.DiscountAmount[][] = lines.map(() => []);
  const totals: Stripe.Invoice.TotalDiscountAmount[] = [];
  for (const { id, coupon } of discounts) {
    const base = remaining.reduce((sum, amount) => sum + amount, 0);
    const off = discountOff(coupon, base);
    // Spread over the lines in proportion; the last discountable line takes the rounding.
    let left = off;
    const last = remaining.findLastIndex((amount) => amount > 0);
    remaining.forEach((amount, index) => {
      if (amount === 0) return;
      const share = index === last ? left : Math.round((off * amount) / base);
      left -= share;
      remaining[index] = amount - share;
      perLine[index]?.push({ amount: share, discount: id });
    });
    totals.push({ amount: off, discount: id });
  }
  return { perLine, totals, ids: discounts.map(({ id }) => id) };
}

/**
 * After a stored invoice took a `once` discount off, or once a `repeating` one has ended, the
 * subscription no longer holds it (`customer.discount.deleted`, then the subscription's update).
 */
export function spendDiscounts(app: App, sub: Stripe.Subscription, invoice: Stripe.Invoice): Stripe.Subscription {
  const now = nowFor(app.store, idOf(sub.customer));
  const applied = new Set(
    (invoice.total_discount_amounts ?? []).filter((total) => total.amount > 0).map((total) => idOf(total.discount)),
  );
  const kept = sub.discounts.filter((entry) => {
    const discount = app.store.discounts.get(idOf(entry) ?? "");
    if (discount === undefined) return false;
    const coupon = app.store.coupons.get(idOf(discount.source.coupon) ?? "");
    const ended = discount.end !== null && discount.end <= now;
    const spent = coupon?.duration === "once" && applied.has(discount.id);
    if (!ended && !spent) return true;
    // The discount stays retrievable: the invoices it reduced still name it.
    app.events.emit("customer.discount.deleted", discount);
    return false;
  });
  if (kept.length === sub.discounts.length) return sub;
  const after: Stripe.Subscription = { ...sub, discounts: kept };
  app.store.subscriptions.set(after.id, after);
  app.events.emit("customer.subscription.updated", after, { discounts: sub.discounts });
  return after;
}
