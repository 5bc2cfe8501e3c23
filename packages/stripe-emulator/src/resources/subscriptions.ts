// /v1/subscriptions: create (charges the first invoice), retrieve, update, cancel, list, search.
import type Stripe from "stripe";
import { readDiscounts } from "../billing/discounts.ts";
import type { App } from "../app.ts";
import { recurringPrice, type ItemInput } from "../billing/subscription-items.ts";
import {
  cancelSubscriptionNow,
  createSubscription,
  creditUnusedTime,
  resumeSubscription,
} from "../billing/subscription-lifecycle.ts";
import { invalidRequest, resourceMissing } from "../http/errors.ts";
import { applyMetadata, inRange, type Params } from "../http/params.ts";
import { LIST_PARAMS, paginate, searchResult } from "../list.ts";
import { reply, requireParam, route, type ApiContext, type Route } from "../router.ts";
import { matchesSearch, parseSearchQuery } from "../search-query.ts";
import { Store } from "../store.ts";
import { DAY, nowFor } from "../time.ts";
import { attachedPaymentMethod, getOr404, idOf, liveCustomer } from "./lookup.ts";
import { updateSubscriptionFromParams } from "./subscription-update.ts";

const PAYMENT_BEHAVIORS = [
  "allow_incomplete",
  "default_incomplete",
  "error_if_incomplete",
  "pending_if_incomplete",
] as const;
const STATUSES = [
  "active",
  "all",
  "canceled",
  "ended",
  "incomplete",
  "incomplete_expired",
  "past_due",
  "paused",
  "trialing",
  "unpaid",
] as const;

function readItems(app: App, input: Params): ItemInput[] {
  const items = input.childList("items", [
    "price",
    "quantity",
    "metadata",
    "price_data",
    "plan",
    "discounts",
    "tax_rates",
  ]);
  if (items === undefined || items.length === 0)
    throw invalidRequest("Missing required param: items.", "items", "parameter_missing");
  return items.map((item) => ({
    price: recurringPrice(app, item.requiredString("price"), item.name("price")),
    quantity: item.int("quantity") ?? 1,
    metadata: applyMetadata(null, item.metadata()),
  }));
}

function create(ctx: ApiContext) {
  const { app } = ctx;
  const input = ctx.input.allow([
    "customer",
    "items",
    "default_payment_method",
    "trial_period_days",
    "trial_end",
    "metadata",
    "expand",
    "payment_behavior",
    "cancel_at_period_end",
    "cancel_at",
    "description",
    "collection_method",
    "off_session",
    "proration_behavior",
    "payment_settings",
    "discounts",
    "automatic_tax",
    "trial_settings",
  ]);
  const customer = liveCustomer(app, input.requiredString("customer"));
  const items = readItems(app, input);
  const automaticTax = input.child("automatic_tax", ["enabled", "liability"])?.bool("enabled") ?? false;
  if (automaticTax && (customer.address?.country ?? null) === null) {
    throw invalidRequest(
      "The customer's location isn't recognized. Give the customer an address (with a country) before " +
        "enabling automatic tax.",
      "customer",
      "customer_tax_location_invalid",
    );
  }
  const now = nowFor(app.store, customer.id);
  const pmId = input.string("default_payment_method");
  if (pmId !== undefined) attachedPaymentMethod(app, customer.id, pmId, "default_payment_method");
  const trialDays = input.int("trial_period_days");
  const trialEndRaw = input.string("trial_end");
  const trialEnd =
    trialEndRaw === "now" || trialEndRaw === undefined
      ? trialDays === undefined || trialDays === 0
        ? null
        : now + trialDays * DAY
      : input.requiredInt("trial_end");
  if (trialEnd !== null && trialEnd <= now)
    throw invalidRequest("Invalid timestamp: must be an integer Unix timestamp in the future.", "trial_end");
  const { subscription } = createSubscription(app, {
    customerId: customer.id,
    items,
    defaultPaymentMethod: pmId ?? null,
    trialEnd,
    metadata: applyMetadata(null, input.metadata()),
    description: input.string("description") ?? null,
    cancelAt: input.int("cancel_at") ?? null,
    cancelAtPeriodEnd: input.bool("cancel_at_period_end") ?? false,
    paymentBehavior: input.oneOf("payment_behavior", PAYMENT_BEHAVIORS) ?? "allow_incomplete",
    automaticTax,
    missingPaymentMethod:
      input
        .child("trial_settings", ["end_behavior"])
        ?.child("end_behavior", ["missing_payment_method"])
        ?.oneOf("missing_payment_method", ["cancel", "create_invoice", "pause"] as const) ?? "create_invoice",
    discounts: readDiscounts(app, input, {
      customerId: customer.id,
      amount: items.reduce((sum, item) => sum + (item.price.unit_amount ?? 0) * item.quantity, 0),
      currency: items[0]?.price.currency ?? "usd",
    }),
  });
  return reply(ctx, subscription);
}

function cancel(ctx: ApiContext) {
  const input = ctx.input.allow(["invoice_now", "prorate", "cancellation_details", "expand"]);
  const sub = getOr404(ctx.app.store.subscriptions, requireParam(ctx, "id"), "subscription");
  if (sub.status === "canceled" || sub.status === "incomplete_expired") {
    throw invalidRequest(`This subscription has already been canceled.`, "id");
  }
  const details = input.child("cancellation_details", ["comment", "feedback"]);
  const feedback = details?.string("feedback");
  const prorate = input.bool("prorate") ?? false;
  const invoiceNow = input.bool("invoice_now") ?? false;
  const canceled = cancelSubscriptionNow(ctx.app, sub, "cancellation_requested", {
    comment: details?.nullableString("comment") ?? null,
    feedback: feedback === undefined || feedback === "" ? null : feedback,
  });
  // The final invoice of a canceled subscription: its waiting prorations, and the credit asked for.
  if (prorate) creditUnusedTime(ctx.app, sub, invoiceNow);
  return reply(ctx, ctx.app.store.subscriptions.get(canceled.id) ?? canceled);
}

function matchesStatus(sub: Stripe.Subscription, status: (typeof STATUSES)[number] | undefined): boolean {
  if (status === "all") return true;
  if (status === undefined) return sub.status !== "canceled" && sub.status !== "incomplete_expired";
  if (status === "ended") return sub.status === "canceled" || sub.status === "incomplete_expired";
  return sub.status === status;
}

function list(ctx: ApiContext) {
  const input = ctx.input.allow([
    ...LIST_PARAMS,
    "customer",
    "status",
    "price",
    "created",
    "test_clock",
    "collection_method",
    "current_period_end",
    "current_period_start",
  ]);
  const customer = input.string("customer");
  const status = input.oneOf("status", STATUSES);
  const price = input.string("price");
  const clock = input.string("test_clock");
  const created = input.range("created");
  const items = Store.newestFirst(ctx.app.store.subscriptions).filter(
    (sub) =>
      (customer === undefined || idOf(sub.customer) === customer) &&
      matchesStatus(sub, status) &&
      (price === undefined || sub.items.data.some((item) => item.price.id === price)) &&
      (clock === undefined || idOf(sub.test_clock) === clock) &&
      inRange(sub.created, created),
  );
  return reply(ctx, paginate(items, input, "/v1/subscriptions"));
}

function search(ctx: ApiContext) {
  const input = ctx.input.allow(["query", "limit", "page", "expand"]);
  const query = parseSearchQuery(input.requiredString("query"));
  const items = Store.newestFirst(ctx.app.store.subscriptions).filter((sub) =>
    matchesSearch(query, (field, key) => {
      if (field === "metadata") return key === undefined ? undefined : sub.metadata[key];
      if (field === "status") return sub.status;
      if (field === "created") return sub.created;
      if (field === "customer") return idOf(sub.customer);
      return undefined;
    }),
  );
  return reply(ctx, searchResult(items, input, "/v1/subscriptions/search"));
}

/** The subscription's items, in its order (Stripe requires `subscription`). */
function listItems(ctx: ApiContext) {
  const input = ctx.input.allow([...LIST_PARAMS, "subscription"]);
  const id = input.string("subscription");
  if (id === undefined)
    throw invalidRequest("Missing required param: subscription.", "subscription", "parameter_missing");
  const sub = getOr404(ctx.app.store.subscriptions, id, "subscription", "subscription");
  return reply(ctx, paginate(sub.items.data, input, "/v1/subscription_items"));
}

function retrieveItem(ctx: ApiContext) {
  ctx.input.allow(["expand"]);
  const id = requireParam(ctx, "id");
  for (const sub of ctx.app.store.subscriptions.values()) {
    const item = sub.items.data.find((candidate) => candidate.id === id);
    if (item !== undefined) return reply(ctx, item);
  }
  throw resourceMissing("subscription item", id);
}

export const subscriptionRoutes: Route[] = [
  route("GET", "/v1/subscription_items", listItems),
  route("GET", "/v1/subscription_items/:id", retrieveItem),
  route("POST", "/v1/subscriptions", create),
  route("GET", "/v1/subscriptions", list),
  route("GET", "/v1/subscriptions/search", search),
  route("GET", "/v1/subscriptions/:id", (ctx) => {
    ctx.input.allow(["expand"]);
    return reply(ctx, getOr404(ctx.app.store.subscriptions, requireParam(ctx, "id"), "subscription"));
  }),
  route("POST", "/v1/subscriptions/:id", (ctx) => reply(ctx, updateSubscriptionFromParams(ctx))),
  route("DELETE", "/v1/subscriptions/:id", cancel),
  route("POST", "/v1/subscriptions/:id/resume", (ctx) => {
    const input = ctx.input.allow([
      "billing_cycle_anchor",
      "payment_behavior",
      "proration_behavior",
      "proration_date",
      "expand",
    ]);
    // In this API version the anchor is a hash; only `now` (a new cycle from today) is emulated.
    const anchor = input.child("billing_cycle_anchor", ["type"])?.oneOf("type", ["now", "unchanged"] as const);
    if (anchor === "unchanged") {
      throw invalidRequest("The emulator resumes with billing_cycle_anchor[type]=now only.", "billing_cycle_anchor");
    }
    input.oneOf("payment_behavior", ["resume_on_payment_attempt", "resume_on_payment_success"] as const);
    const sub = getOr404(ctx.app.store.subscriptions, requireParam(ctx, "id"), "subscription");
    return reply(ctx, resumeSubscription(ctx.app, sub));
  }),
];
