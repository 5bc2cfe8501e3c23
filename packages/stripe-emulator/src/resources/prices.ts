// /v1/prices: create (incl. product_data, lookup_key transfer), retrieve, update, list, search.
import Stripe from "stripe";
import type { App } from "../app.ts";
import { refreshSubscriptionPrices } from "../billing/subscription-items.ts";
import { commitUpdate } from "../events/commit-update.ts";
import { invalidRequest } from "../http/errors.ts";
import { applyMetadata, inRange, type Params } from "../http/params.ts";
import { newId } from "../ids.ts";
import { LIST_PARAMS, paginate, searchResult } from "../list.ts";
import { reply, requireParam, route, type ApiContext, type Route } from "../router.ts";
import { matchesSearch, parseSearchQuery } from "../search-query.ts";
import { Store } from "../store.ts";
import { realNow } from "../time.ts";
import { getOr404, idOf } from "./lookup.ts";
import { createProduct } from "./products.ts";

const UPDATABLE = [
  "active",
  "metadata",
  "nickname",
  "lookup_key",
  "transfer_lookup_key",
  "tax_behavior",
  "expand",
] as const;
const INTERVALS = ["day", "week", "month", "year"] as const;
const TAX_BEHAVIORS = ["exclusive", "inclusive", "unspecified"] as const;

/** Lookup keys are unique: taking one from another price needs `transfer_lookup_key`. */
function claimLookupKey(app: App, key: string, transfer: boolean, ownerId: string): void {
  for (const other of app.store.prices.values()) {
    if (other.id === ownerId || other.lookup_key !== key) continue;
    if (!transfer) {
      throw invalidRequest(
        `A price (\`${other.id}\`) already uses that lookup key. ` +
          "Set `transfer_lookup_key` to transfer it to this price.",
        "lookup_key",
      );
    }
    commitUpdate(app, "price.updated", app.store.prices, other, { ...other, lookup_key: null });
    refreshSubscriptionPrices(app, other.id);
  }
}

function recurringOf(input: Params): Stripe.Price.Recurring | null {
  const recurring = input.child("recurring", [
    "interval",
    "interval_count",
    "usage_type",
    "meter",
    "trial_period_days",
  ]);
  if (recurring === undefined) return null;
  const interval = recurring.oneOf("interval", INTERVALS);
  if (interval === undefined)
    throw invalidRequest("Missing required param: recurring[interval].", "recurring[interval]", "parameter_missing");
  return {
    interval,
    interval_count: recurring.int("interval_count") ?? 1,
    meter: recurring.string("meter") ?? null,
    trial_period_days: recurring.int("trial_period_days") ?? null,
    usage_type: recurring.oneOf("usage_type", ["licensed", "metered"] as const) ?? "licensed",
  };
}

function productFor(app: App, input: Params): string {
  const productId = input.string("product");
  const productData = input.child("product_data", [
    "name",
    "active",
    "metadata",
    "statement_descriptor",
    "tax_code",
    "unit_label",
    "id",
  ]);
  if (productId !== undefined) return getOr404(app.store.products, productId, "product", "product").id;
  if (productData === undefined)
    throw invalidRequest("Missing required param: product.", "product", "parameter_missing");
  return createProduct(app, productData, productData.string("id")).id;
}

function create(ctx: ApiContext) {
  const { app } = ctx;
  const input = ctx.input.allow([
    "currency",
    "unit_amount",
    "unit_amount_decimal",
    "product",
    "product_data",
    "recurring",
    "lookup_key",
    "transfer_lookup_key",
    "nickname",
    "metadata",
    "active",
    "tax_behavior",
    "billing_scheme",
    "expand",
  ]);
  const currency = input.requiredString("currency").toLowerCase();
  const decimal = input.string("unit_amount_decimal");
  const unitAmount = input.int("unit_amount") ?? (decimal === undefined ? undefined : Math.round(Number(decimal)));
  if (unitAmount === undefined)
    throw invalidRequest("Missing required param: unit_amount.", "unit_amount", "parameter_missing");
  const recurring = recurringOf(input);
  const id = newId("price");
  const lookupKey = input.string("lookup_key");
  if (lookupKey !== undefined) claimLookupKey(app, lookupKey, input.bool("transfer_lookup_key") ?? false, id);
  const price: Stripe.Price = {
    id,
    object: "price",
    active: input.bool("active") ?? true,
    billing_scheme: "per_unit",
    created: realNow(),
    currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: lookupKey ?? null,
    metadata: applyMetadata(null, input.metadata()),
    nickname: input.string("nickname") ?? null,
    product: productFor(app, input),
    recurring,
    tax_behavior: input.oneOf("tax_behavior", TAX_BEHAVIORS) ?? "unspecified",
    tiers_mode: null,
    transform_quantity: null,
    type: recurring === null ? "one_time" : "recurring",
    unit_amount: unitAmount,
    unit_amount_decimal: Stripe.Decimal.from(decimal ?? String(unitAmount)),
  };
  app.store.prices.set(price.id, price);
  app.events.emit("price.created", price);
  return reply(ctx, price);
}

function update(ctx: ApiContext) {
  const { app } = ctx;
  const input = ctx.input.allow(UPDATABLE);
  const before = getOr404(app.store.prices, requireParam(ctx, "id"), "price");
  const lookupKey = input.nullableString("lookup_key");
  if (lookupKey !== undefined && lookupKey !== null) {
    claimLookupKey(app, lookupKey, input.bool("transfer_lookup_key") ?? false, before.id);
  }
  const after: Stripe.Price = { ...before, metadata: applyMetadata(before.metadata, input.metadata()) };
  const active = input.bool("active");
  if (active !== undefined) after.active = active;
  const nickname = input.nullableString("nickname");
  if (nickname !== undefined) after.nickname = nickname;
  if (lookupKey !== undefined) after.lookup_key = lookupKey;
  const taxBehavior = input.oneOf("tax_behavior", TAX_BEHAVIORS);
  if (taxBehavior !== undefined) after.tax_behavior = taxBehavior;
  commitUpdate(app, "price.updated", app.store.prices, before, after);
  refreshSubscriptionPrices(app, after.id);
  return reply(ctx, after);
}

function list(ctx: ApiContext) {
  const input = ctx.input.allow([
    ...LIST_PARAMS,
    "active",
    "product",
    "type",
    "currency",
    "lookup_keys",
    "recurring",
    "created",
  ]);
  const active = input.bool("active");
  const product = input.string("product");
  const type = input.string("type");
  const currency = input.string("currency");
  const lookupKeys = input.stringList("lookup_keys");
  const interval = input.child("recurring", ["interval", "usage_type", "meter"])?.string("interval");
  const created = input.range("created");
  const items = Store.newestFirst(ctx.app.store.prices).filter(
    (price) =>
      (active === undefined || price.active === active) &&
      (product === undefined || idOf(price.product) === product) &&
      (type === undefined || price.type === type) &&
      (currency === undefined || price.currency === currency) &&
      (lookupKeys === undefined || (price.lookup_key !== null && lookupKeys.includes(price.lookup_key))) &&
      (interval === undefined || price.recurring?.interval === interval) &&
      inRange(price.created, created),
  );
  return reply(ctx, paginate(items, input, "/v1/prices"));
}

function search(ctx: ApiContext) {
  const input = ctx.input.allow(["query", "limit", "page", "expand"]);
  const query = parseSearchQuery(input.requiredString("query"));
  const items = Store.newestFirst(ctx.app.store.prices).filter((price) =>
    matchesSearch(query, (field, key) => {
      if (field === "metadata") return key === undefined ? undefined : price.metadata[key];
      if (field === "active") return String(price.active);
      if (field === "product") return idOf(price.product);
      if (field === "lookup_key") return price.lookup_key;
      if (field === "currency") return price.currency;
      if (field === "type") return price.type;
      return undefined;
    }),
  );
  return reply(ctx, searchResult(items, input, "/v1/prices/search"));
}

export const priceRoutes: Route[] = [
  route("POST", "/v1/prices", create),
  route("GET", "/v1/prices", list),
  route("GET", "/v1/prices/search", search),
  route("GET", "/v1/prices/:id", (ctx) => {
    ctx.input.allow(["expand"]);
    return reply(ctx, getOr404(ctx.app.store.prices, requireParam(ctx, "id"), "price"));
  }),
  route("POST", "/v1/prices/:id", update),
];
