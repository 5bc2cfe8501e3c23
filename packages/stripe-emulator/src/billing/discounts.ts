// Discounts: a coupon redeemed (directly or through a promotion code) onto a subscription,
// what it takes off an invoice, and when it stops applying. As Stripe does it: a subscription
// discount is an invoice-level discount over the discountable lines (prorations are made net of
// a percent-off one instead); a `once` coupon is spent by the first invoice it reduces, a
// `repeating` one ends after its months, a `forever` one never does. Deleting a coupon ends no
// discount already redeemed.
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

/** Who is redeeming, on what: a code's restrictions and an amount-off coupon's currency need both. */
export interface RedemptionContext {
  customerId: string | null;
  amount: number;
  currency: string;
}

/**
 * Why this coupon (through this code, if any) cannot be redeemed now in this context, or null.
 * Checkout's field, `discounts[]` and the completion of a Checkout Session all ask it.
 */
function refusal(app: App, request: DiscountRequest, context: RedemptionContext): string | null {
  const { coupon, promotionCode } = request;
  const now = nowFor(app.store, context.customerId);
  const spent = (max: number | null, used: number) => max !== null && used >= max;
  if (!app.store.coupons.has(coupon.id) || !couponRedeemable(coupon, now)) return INVALID_CODE;
  if (coupon.currency !== null && coupon.currency !== context.currency) return INVALID_CODE;
  if (promotionCode === null) return null;
  if (
    !promotionCode.active ||
    (promotionCode.expires_at !== null && promotionCode.expires_at <= now) ||
    spent(promotionCode.max_redemptions, promotionCode.times_redeemed) ||
    (promotionCode.customer !== null && idOf(promotionCode.customer) !== context.customerId)
  ) {
    return INVALID_CODE;
  }
  const { minimum_amount: minimum, minimum_amount_currency: minimumCurrency } = promotionCode.restrictions;
  if (minimum !== null && (minimumCurrency ?? context.currency) === context.currency && context.amount < minimum) {
    return "This code cannot be applied to an order of this amount.";
  }
  return null;
}

/** The request as the store has it now (a redemption since may have used up a code). */
function current(app: App, request: DiscountRequest): DiscountRequest {
  const coupon = app.store.coupons.get(request.coupon.id) ?? request.coupon;
  const code = request.promotionCode;
  return { coupon, promotionCode: code === null ? null : (app.store.promotionCodes.get(code.id) ?? code) };
}

/** Throws the refusal as Stripe's 400 (on `param`), or returns the request as it stands now. */
export function assertRedeemable(
  app: App,
  request: DiscountRequest,
  context: RedemptionContext,
  param: string,
): DiscountRequest {
  const now = current(app, request);
  const reason = refusal(app, now, context);
  if (reason !== null) throw invalidRequest(reason, param);
  return now;
}

/** The active promotion code a customer typed, if it can be redeemed in this context. */
export function redeemableCode(app: App, code: string, context: RedemptionContext): DiscountRequest {
  const wanted = code.trim().toUpperCase();
  const promotionCode = [...app.store.promotionCodes.values()].find(
    (candidate) => candidate.active && candidate.code.toUpperCase() === wanted,
  );
  const coupon =
    promotionCode === undefined ? undefined : app.store.coupons.get(idOf(promotionCode.promotion.coupon) ?? "");
  if (wanted === "" || promotionCode === undefined || coupon === undefined) {
    throw invalidRequest(INVALID_CODE, "promotion_code");
  }
  return assertRedeemable(app, { coupon, promotionCode }, context, "promotion_code");
}

/** `discounts[]` of a create call: a coupon, or a promotion code for one, redeemed up front. */
export function readDiscounts(app: App, input: Params, context: RedemptionContext): DiscountRequest[] {
  const entries = input.childList("discounts", ["coupon", "promotion_code"]) ?? [];
  if (entries.length > 1) throw invalidRequest("You may only specify one discount.", "discounts");
  return entries.map((entry) => {
    const promotionCodeId = entry.string("promotion_code");
    if (promotionCodeId !== undefined && entry.has("coupon")) {
      throw invalidRequest(
        "You may only specify one of these parameters: coupon, promotion_code.",
        entry.name("coupon"),
      );
    }
    const promotionCode =
      promotionCodeId === undefined
        ? null
        : getOr404(app.store.promotionCodes, promotionCodeId, "promotion code", entry.name("promotion_code"));
    const couponId = promotionCode === null ? entry.requiredString("coupon") : idOf(promotionCode.promotion.coupon);
    const coupon = getOr404(app.store.coupons, couponId ?? "", "coupon", entry.name("coupon"));
    const param = entry.name(promotionCode === null ? "coupon" : "promotion_code");
    return assertRedeemable(app, { coupon, promotionCode }, context, param);
  });
}

/** A discount's coupon, deleted or not: a deleted coupon keeps applying where it was redeemed. */
export function couponOf(app: App, id: string | null): Stripe.Coupon | undefined {
  return id === null ? undefined : (app.store.coupons.get(id) ?? app.store.deletedCoupons.get(id));
}

/** What is left of a prorated amount after the subscription's percent-off discounts at `at`. */
export function netOfDiscounts(app: App, sub: Stripe.Subscription, amount: number, at: number): number {
  return activeDiscounts(app, sub, at).reduce(
    (left, { coupon }) => (coupon.percent_off === null ? left : left - Math.round((left * coupon.percent_off) / 100)),
    amount,
  );
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
  target: { customerId: string; subscriptionId: string },
): Stripe.Discount {
  const start = nowFor(app.store, target.customerId);
  const { coupon, promotionCode } = request;
  const discount: Stripe.Discount = {
    id: newId("discount"),
    object: "discount",
    // Stripe names the session only for a discount in payment mode; this one is a subscription's.
    checkout_session: null,
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
  const timesRedeemed = coupon.times_redeemed + 1;
  const usedUp = coupon.max_redemptions !== null && timesRedeemed >= coupon.max_redemptions;
  app.store.coupons.set(coupon.id, { ...coupon, times_redeemed: timesRedeemed, valid: coupon.valid && !usedUp });
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
    const coupon = couponOf(app, idOf(discount?.source.coupon));
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
    // Spread over the lines in proportion, rounded down; the cents left go one by one to the
    // lines with the largest remainders, and no line gives more than it has left.
    const shares = remaining.map((amount) => (base === 0 ? 0 : Math.floor((off * amount) / base)));
    const order = remaining
      .map((amount, index) => ({ index, rest: base === 0 ? 0 : (off * amount) % base }))
      .sort((a, b) => b.rest - a.rest);
    let left = off - shares.reduce((sum, share) => sum + share, 0);
    for (const { index } of order) {
      if (left === 0) break;
      if ((shares[index] ?? 0) < (remaining[index] ?? 0)) {
        shares[index] = (shares[index] ?? 0) + 1;
        left -= 1;
      }
    }
    remaining.forEach((amount, index) => {
      if (amount === 0) return;
      const share = shares[index] ?? 0;
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
    const coupon = couponOf(app, idOf(discount.source.coupon));
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
