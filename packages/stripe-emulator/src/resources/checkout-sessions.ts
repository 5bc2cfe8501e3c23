// /v1/checkout/sessions: create, retrieve (line_items expandable), update, list, expire, line items.
import type Stripe from "stripe";
import {
  buildCheckoutSession,
  buildLineItem,
  sessionTrialing,
  withDiscounts,
} from "../billing/checkout-session-factory.ts";
import { readDiscounts } from "../billing/discounts.ts";
import { invalidRequest } from "../http/errors.ts";
import { applyMetadata, inRange } from "../http/params.ts";
import { newId } from "../ids.ts";
import { LIST_PARAMS, paginate } from "../list.ts";
import { reply, requireParam, route, type ApiContext, type Route } from "../router.ts";
import { Store } from "../store.ts";
import { DAY, nowFor } from "../time.ts";
import { getOr404, idOf, liveCustomer } from "./lookup.ts";

const CREATE_PARAMS = [
  "mode",
  "customer",
  "customer_email",
  "line_items",
  "success_url",
  "cancel_url",
  "return_url",
  "client_reference_id",
  "metadata",
  "subscription_data",
  "allow_promotion_codes",
  "billing_address_collection",
  "customer_update",
  "locale",
  "ui_mode",
  "expires_at",
  "payment_method_collection",
  "customer_creation",
  "expand",
  "redirect_on_completion",
  "automatic_tax",
  "tax_id_collection",
  "consent_collection",
  "submit_type",
  "currency",
  "discounts",
  "phone_number_collection",
] as const;
const SUBSCRIPTION_DATA = [
  "metadata",
  "trial_period_days",
  "trial_end",
  "description",
  "billing_cycle_anchor",
  "proration_behavior",
  "trial_settings",
] as const;
const MODES = ["payment", "setup", "subscription"] as const;
const UI_MODES = ["hosted_page", "embedded_page", "elements"] as const;

function create(ctx: ApiContext) {
  const { app } = ctx;
  const input = ctx.input.allow(CREATE_PARAMS);
  const mode = input.oneOf("mode", MODES);
  if (mode === undefined) throw invalidRequest("Missing required param: mode.", "mode", "parameter_missing");
  const uiMode = input.oneOf("ui_mode", UI_MODES) ?? "hosted_page";
  const customerId = input.string("customer");
  const customerEmail = input.string("customer_email");
  if (customerId !== undefined && customerEmail !== undefined) {
    throw invalidRequest("You may only specify one of these parameters: customer, customer_email.", "customer_email");
  }
  const customer = customerId === undefined ? undefined : liveCustomer(app, customerId);
  const successUrl = input.string("success_url") ?? null;
  for (const [param, url] of [
    ["success_url", successUrl],
    ["cancel_url", input.string("cancel_url") ?? null],
  ] as const) {
    if (url !== null && !/^https?:\/\/\S+$/.test(url.replace("{CHECKOUT_SESSION_ID}", "x"))) {
      throw invalidRequest("Not a valid URL", param, "url_invalid");
    }
  }
  if (
    uiMode !== "hosted_page" &&
    input.string("return_url") === undefined &&
    input.string("redirect_on_completion") !== "never"
  ) {
    throw invalidRequest("Missing required param: return_url.", "return_url", "parameter_missing");
  }
  const items =
    input.childList("line_items", [
      "price",
      "quantity",
      "adjustable_quantity",
      "price_data",
      "tax_rates",
      "dynamic_tax_rates",
    ]) ?? [];
  if (mode !== "setup" && items.length === 0)
    throw invalidRequest("Missing required param: line_items.", "line_items", "parameter_missing");
  const lineItems = items.map((item) => {
    const price = getOr404(app.store.prices, item.requiredString("price"), "price", item.name("price"));
    const product = app.store.products.get(idOf(price.product) ?? "");
    return buildLineItem(price, item.int("quantity") ?? 1, product?.name ?? price.id);
  });
  if (mode === "subscription" && !lineItems.some((item) => item.price?.recurring !== null)) {
    throw invalidRequest(
      "You must provide at least one recurring price in `subscription` mode when using prices.",
      "line_items",
    );
  }
  if (mode === "payment" && lineItems.some((item) => item.price?.recurring !== null)) {
    throw invalidRequest(
      "You specified `payment` mode but passed a recurring price. " +
        "Either switch to `subscription` mode or use only one-time prices.",
      "line_items",
    );
  }
  const subscriptionData = input.child("subscription_data", SUBSCRIPTION_DATA);
  if (subscriptionData !== undefined && mode !== "subscription") {
    throw invalidRequest("You can only specify `subscription_data` in `subscription` mode.", "subscription_data");
  }
  const now = nowFor(app.store, customer?.id);
  if (input.has("discounts") && input.bool("allow_promotion_codes") !== undefined) {
    throw invalidRequest(
      "You may only specify one of these parameters: allow_promotion_codes, discounts.",
      "allow_promotion_codes",
    );
  }
  const automaticTax = input.child("automatic_tax", ["enabled", "liability"])?.bool("enabled") ?? false;
  const customerUpdate = input.child("customer_update", ["address", "name", "shipping"]);
  if (customerUpdate !== undefined && customer === undefined) {
    throw invalidRequest("`customer_update` can only be used with `customer`.", "customer_update");
  }
  const saveAddress = customerUpdate?.oneOf("address", ["auto", "never"] as const) === "auto";
  if (automaticTax && customer !== undefined && customer.address === null && !saveAddress) {
    throw invalidRequest(
      "Automatic tax calculation in Checkout requires a valid address on the Customer. Add a valid address " +
        "to the Customer or set `customer_update[address]` to 'auto' to save the address entered in Checkout.",
      "automatic_tax[enabled]",
    );
  }
  const collectsTaxIds = input.child("tax_id_collection", ["enabled", "required"])?.bool("enabled") ?? false;
  if (
    collectsTaxIds &&
    customer !== undefined &&
    customerUpdate?.oneOf("name", ["auto", "never"] as const) !== "auto"
  ) {
    throw invalidRequest(
      "tax_id_collection requires updating business name on the customer. To enable tax ID collection for an " +
        "existing customer, please set `customer_update[name]` to `auto`.",
      "tax_id_collection[enabled]",
    );
  }
  const discounts = readDiscounts(app, input, {
    customerId: customer?.id ?? null,
    amount: lineItems.reduce((sum, item) => sum + item.amount_subtotal, 0),
    currency: lineItems[0]?.currency ?? "usd",
  });
  const trialing = sessionTrialing({
    trialPeriodDays: subscriptionData?.int("trial_period_days") ?? null,
    trialEnd: subscriptionData?.int("trial_end") ?? null,
  });
  const id = newId("checkoutSession");
  const built = buildCheckoutSession({
    id,
    mode,
    uiMode,
    created: now,
    expiresAt: input.int("expires_at") ?? now + DAY,
    url: uiMode === "hosted_page" ? `${app.baseUrl}/c/pay/${id}` : null,
    customer: customer?.id ?? null,
    customerEmail: customerEmail ?? customer?.email ?? null,
    lineItems,
    successUrl,
    cancelUrl: input.string("cancel_url") ?? null,
    returnUrl: input.string("return_url") ?? null,
    clientReferenceId: input.string("client_reference_id") ?? null,
    metadata: applyMetadata(null, input.metadata()),
    locale: input.string("locale") ?? null,
    allowPromotionCodes: input.bool("allow_promotion_codes") ?? null,
    billingAddressCollection: input.oneOf("billing_address_collection", ["auto", "required"] as const) ?? null,
    customerCreation:
      mode === "payment"
        ? (input.oneOf("customer_creation", ["always", "if_required"] as const) ?? "if_required")
        : null,
    paymentMethodCollection:
      mode === "subscription"
        ? (input.oneOf("payment_method_collection", ["always", "if_required"] as const) ?? "always")
        : null,
    trialing,
    automaticTax,
    taxIdCollection: collectsTaxIds,
  });
  const priced = withDiscounts(built, lineItems, discounts, trialing);
  const session = priced.session;
  app.store.checkoutSessions.set(session.id, session);
  app.store.sessionLineItems.set(session.id, priced.lineItems);
  app.store.sessionSubscriptionData.set(session.id, {
    metadata: applyMetadata(null, subscriptionData?.metadata()),
    trialPeriodDays: subscriptionData?.int("trial_period_days") ?? null,
    trialEnd: subscriptionData?.int("trial_end") ?? null,
    description: subscriptionData?.string("description") ?? null,
    saveAddress: customer === undefined || saveAddress,
    saveName: customer === undefined || customerUpdate?.oneOf("name", ["auto", "never"] as const) === "auto",
  });
  return retrieveReply(ctx, session);
}

/** `line_items` is includable rather than an id, so it is added before the generic expansion. */
function retrieveReply(ctx: ApiContext, session: Stripe.Checkout.Session) {
  const paths = ctx.input.expand();
  if (!paths.some((path) => path === "line_items" || path.startsWith("line_items."))) return reply(ctx, session);
  const data = ctx.app.store.sessionLineItems.get(session.id) ?? [];
  const withItems: Stripe.Checkout.Session = {
    ...session,
    line_items: { object: "list", data, has_more: false, url: `/v1/checkout/sessions/${session.id}/line_items` },
  };
  return reply(
    ctx,
    withItems,
    paths.filter((path) => path !== "line_items"),
  );
}

function list(ctx: ApiContext) {
  const input = ctx.input.allow([
    ...LIST_PARAMS,
    "customer",
    "status",
    "subscription",
    "payment_intent",
    "created",
    "customer_details",
    "payment_link",
  ]);
  const customer = input.string("customer");
  const status = input.oneOf("status", ["open", "complete", "expired"] as const);
  const subscription = input.string("subscription");
  const created = input.range("created");
  const email = input.child("customer_details", ["email"])?.string("email");
  const items = Store.newestFirst(ctx.app.store.checkoutSessions).filter(
    (session) =>
      (customer === undefined || idOf(session.customer) === customer) &&
      (status === undefined || session.status === status) &&
      (subscription === undefined || idOf(session.subscription) === subscription) &&
      (email === undefined || session.customer_details?.email === email) &&
      inRange(session.created, created),
  );
  return reply(ctx, paginate(items, input, "/v1/checkout/sessions"));
}

function expire(ctx: ApiContext) {
  ctx.input.allow(["expand"]);
  const session = getOr404(ctx.app.store.checkoutSessions, requireParam(ctx, "id"), "checkout.session");
  if (session.status !== "open") {
    throw invalidRequest(
      `Only Checkout Sessions with a status in ["open"] can be expired. ` +
        `This Checkout Session has a status of "${session.status ?? "unknown"}".`,
      "session",
    );
  }
  const expired: Stripe.Checkout.Session = { ...session, status: "expired", url: null };
  ctx.app.store.checkoutSessions.set(expired.id, expired);
  ctx.app.events.emit("checkout.session.expired", expired);
  return retrieveReply(ctx, expired);
}

export const checkoutSessionRoutes: Route[] = [
  route("POST", "/v1/checkout/sessions", create),
  route("GET", "/v1/checkout/sessions", list),
  route("GET", "/v1/checkout/sessions/:id", (ctx) => {
    ctx.input.allow(["expand"]);
    return retrieveReply(ctx, getOr404(ctx.app.store.checkoutSessions, requireParam(ctx, "id"), "checkout.session"));
  }),
  route("POST", "/v1/checkout/sessions/:id", (ctx) => {
    const input = ctx.input.allow(["metadata", "expand"]);
    const session = getOr404(ctx.app.store.checkoutSessions, requireParam(ctx, "id"), "checkout.session");
    const updated: Stripe.Checkout.Session = {
      ...session,
      metadata: applyMetadata(session.metadata, input.metadata()),
    };
    ctx.app.store.checkoutSessions.set(updated.id, updated);
    return retrieveReply(ctx, updated);
  }),
  route("POST", "/v1/checkout/sessions/:id/expire", expire),
  route("GET", "/v1/checkout/sessions/:id/line_items", (ctx) => {
    const input = ctx.input.allow(LIST_PARAMS);
    const session = getOr404(ctx.app.store.checkoutSessions, requireParam(ctx, "id"), "checkout.session");
    const items = ctx.app.store.sessionLineItems.get(session.id) ?? [];
    return reply(ctx, paginate(items, input, `/v1/checkout/sessions/${session.id}/line_items`));
  }),
];
