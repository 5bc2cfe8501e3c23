// /v1/coupons and /v1/promotion_codes: a coupon is the discount (percent or amount off, once,
// for some months or forever), a promotion code the code a customer types for it.
import type Stripe from "stripe";
import { commitUpdate } from "../events/commit-update.ts";
import { invalidRequest } from "../http/errors.ts";
import { applyMetadata } from "../http/params.ts";
import { newId, randomToken } from "../ids.ts";
import { LIST_PARAMS, paginate } from "../list.ts";
import { reply, requireParam, route, type ApiContext, type Route } from "../router.ts";
import { Store } from "../store.ts";
import { realNow } from "../time.ts";
import { getOr404, idOf } from "./lookup.ts";

const DURATIONS = ["once", "repeating", "forever"] as const;

function createCoupon(ctx: ApiContext) {
  const { app } = ctx;
  const input = ctx.input.allow([
    "id",
    "name",
    "percent_off",
    "amount_off",
    "currency",
    "duration",
    "duration_in_months",
    "max_redemptions",
    "redeem_by",
    "metadata",
    "expand",
  ]);
  const id = input.string("id") ?? randomToken(8);
  if (app.store.coupons.has(id)) throw invalidRequest(`Coupon already exists.`, "id", "resource_already_exists");
  const percentText = input.string("percent_off");
  const percentOff = percentText === undefined || percentText === "" ? null : Number(percentText);
  const amountOff = input.int("amount_off") ?? null;
  if ((percentOff === null) === (amountOff === null))
    throw invalidRequest("Exactly one of amount_off and percent_off is required.", "percent_off");
  if (percentOff !== null && !(percentOff > 0 && percentOff <= 100))
    throw invalidRequest("percent_off must be greater than 0 and at most 100.", "percent_off");
  const currency = input.string("currency")?.toLowerCase() ?? null;
  if (amountOff !== null && currency === null)
    throw invalidRequest("You must specify a currency when creating an amount_off coupon.", "currency");
  const duration = input.oneOf("duration", DURATIONS) ?? "once";
  const months = input.int("duration_in_months") ?? null;
  if (duration === "repeating" && (months === null || months < 1))
    throw invalidRequest("duration_in_months is required for a repeating coupon.", "duration_in_months");
  const coupon: Stripe.Coupon = {
    id,
    object: "coupon",
    amount_off: amountOff,
    created: realNow(),
    currency,
    duration,
    duration_in_months: duration === "repeating" ? months : null,
    livemode: false,
    max_redemptions: input.int("max_redemptions") ?? null,
    metadata: applyMetadata(null, input.metadata()),
    name: input.string("name") ?? null,
    percent_off: percentOff,
    redeem_by: input.int("redeem_by") ?? null,
    times_redeemed: 0,
    valid: true,
  };
  app.store.coupons.set(id, coupon);
  app.events.emit("coupon.created", coupon);
  return reply(ctx, coupon);
}

/** Only the name and metadata of a coupon can change; its terms cannot. */
function updateCoupon(ctx: ApiContext) {
  const input = ctx.input.allow(["name", "metadata", "expand"]);
  const before = getOr404(ctx.app.store.coupons, requireParam(ctx, "id"), "coupon");
  const name = input.nullableString("name");
  const after: Stripe.Coupon = {
    ...before,
    ...(name === undefined ? {} : { name }),
    metadata: applyMetadata(before.metadata, input.metadata()),
  };
  return reply(ctx, commitUpdate(ctx.app, "coupon.updated", ctx.app.store.coupons, before, after));
}

function deleteCoupon(ctx: ApiContext) {
  ctx.input.allow([]);
  const coupon = getOr404(ctx.app.store.coupons, requireParam(ctx, "id"), "coupon");
  ctx.app.store.coupons.delete(coupon.id);
  ctx.app.store.deletedCoupons.set(coupon.id, { ...coupon, valid: false });
  ctx.app.events.emit("coupon.deleted", coupon);
  const deleted: Stripe.DeletedCoupon = { id: coupon.id, object: "coupon", deleted: true };
  return reply(ctx, deleted);
}

function createPromotionCode(ctx: ApiContext) {
  const { app } = ctx;
  const input = ctx.input.allow([
    "promotion",
    "code",
    "active",
    "customer",
    "expires_at",
    "max_redemptions",
    "metadata",
    "restrictions",
    "expand",
  ]);
  const promotion = input.child("promotion", ["type", "coupon"]);
  if (promotion === undefined)
    throw invalidRequest("Missing required param: promotion.", "promotion", "parameter_missing");
  if (promotion.requiredString("type") !== "coupon")
    throw invalidRequest("The emulator supports promotion codes for coupons only.", "promotion[type]");
  const coupon = getOr404(app.store.coupons, promotion.requiredString("coupon"), "coupon", "promotion[coupon]");
  const code = input.string("code") ?? randomToken(8).toUpperCase();
  if (!/^[a-zA-Z0-9]{1,500}$/.test(code)) throw invalidRequest("A code may only hold letters and digits.", "code");
  const active = input.bool("active") ?? true;
  if (active && activeCode(app.store, code) !== undefined)
    throw invalidRequest(`An active promotion code with \`code: ${code}\` already exists.`, "code");
  const customer = input.string("customer") ?? null;
  if (customer !== null) getOr404(app.store.customers, customer, "customer", "customer");
  const restrictions = input.child("restrictions", [
    "first_time_transaction",
    "minimum_amount",
    "minimum_amount_currency",
  ]);
  const promotionCode: Stripe.PromotionCode = {
    id: newId("promotionCode"),
    object: "promotion_code",
    active,
    code,
    created: realNow(),
    customer,
    customer_account: null,
    expires_at: input.int("expires_at") ?? null,
    livemode: false,
    max_redemptions: input.int("max_redemptions") ?? null,
    metadata: applyMetadata(null, input.metadata()),
    promotion: { type: "coupon", coupon: coupon.id },
    restrictions: {
      first_time_transaction: restrictions?.bool("first_time_transaction") ?? false,
      minimum_amount: restrictions?.int("minimum_amount") ?? null,
      minimum_amount_currency: restrictions?.string("minimum_amount_currency") ?? null,
    },
    times_redeemed: 0,
  };
  app.store.promotionCodes.set(promotionCode.id, promotionCode);
  app.events.emit("promotion_code.created", promotionCode);
  return reply(ctx, promotionCode);
}

/** The active promotion code a customer would type as `code` (case-insensitive, as Stripe matches). */
function activeCode(store: Store, code: string): Stripe.PromotionCode | undefined {
  const wanted = code.toUpperCase();
  return [...store.promotionCodes.values()].find(
    (candidate) => candidate.active && candidate.code.toUpperCase() === wanted,
  );
}

function updatePromotionCode(ctx: ApiContext) {
  const input = ctx.input.allow(["active", "metadata", "expand", "restrictions"]);
  const before = getOr404(ctx.app.store.promotionCodes, requireParam(ctx, "id"), "promotion code");
  const active = input.bool("active");
  if (active === true && !before.active && activeCode(ctx.app.store, before.code) !== undefined)
    throw invalidRequest(`An active promotion code with \`code: ${before.code}\` already exists.`, "active");
  const after: Stripe.PromotionCode = {
    ...before,
    ...(active === undefined ? {} : { active }),
    metadata: applyMetadata(before.metadata, input.metadata()),
  };
  return reply(ctx, commitUpdate(ctx.app, "promotion_code.updated", ctx.app.store.promotionCodes, before, after));
}

function listPromotionCodes(ctx: ApiContext) {
  const input = ctx.input.allow([...LIST_PARAMS, "active", "code", "coupon", "customer", "created"]);
  const active = input.bool("active");
  const code = input.string("code");
  const coupon = input.string("coupon");
  const customer = input.string("customer");
  const items = Store.newestFirst(ctx.app.store.promotionCodes).filter(
    (promotionCode) =>
      (active === undefined || promotionCode.active === active) &&
      (code === undefined || promotionCode.code.toUpperCase() === code.toUpperCase()) &&
      (coupon === undefined || idOf(promotionCode.promotion.coupon) === coupon) &&
      (customer === undefined || idOf(promotionCode.customer) === customer),
  );
  return reply(ctx, paginate(items, input, "/v1/promotion_codes"));
}

export const couponRoutes: Route[] = [
  route("POST", "/v1/coupons", createCoupon),
  route("GET", "/v1/coupons", (ctx) => {
    const input = ctx.input.allow([...LIST_PARAMS, "created"]);
    return reply(ctx, paginate(Store.newestFirst(ctx.app.store.coupons), input, "/v1/coupons"));
  }),
  route("GET", "/v1/coupons/:id", (ctx) => {
    ctx.input.allow(["expand"]);
    return reply(ctx, getOr404(ctx.app.store.coupons, requireParam(ctx, "id"), "coupon"));
  }),
  route("POST", "/v1/coupons/:id", updateCoupon),
  route("DELETE", "/v1/coupons/:id", deleteCoupon),
  route("POST", "/v1/promotion_codes", createPromotionCode),
  route("GET", "/v1/promotion_codes", listPromotionCodes),
  route("GET", "/v1/promotion_codes/:id", (ctx) => {
    ctx.input.allow(["expand"]);
    return reply(ctx, getOr404(ctx.app.store.promotionCodes, requireParam(ctx, "id"), "promotion code"));
  }),
  route("POST", "/v1/promotion_codes/:id", updatePromotionCode),
];
