// /v1/products: create, retrieve, update, delete, list, search.
import type Stripe from "stripe";
import type { App } from "../app.ts";
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

const WRITABLE = [
  "name",
  "active",
  "description",
  "metadata",
  "images",
  "marketing_features",
  "statement_descriptor",
  "tax_code",
  "unit_label",
  "url",
  "shippable",
  "expand",
  "default_price",
] as const;

function applyFields(input: Params, product: Stripe.Product): Stripe.Product {
  const next: Stripe.Product = { ...product, metadata: applyMetadata(product.metadata, input.metadata()) };
  const name = input.string("name");
  if (name !== undefined && name !== "") next.name = name;
  const active = input.bool("active");
  if (active !== undefined) next.active = active;
  const description = input.nullableString("description");
  if (description !== undefined) next.description = description;
  const images = input.stringList("images");
  if (images !== undefined) next.images = images;
  const features = input.childList("marketing_features", ["name"]);
  if (features !== undefined)
    next.marketing_features = features.map((feature) => ({ name: feature.requiredString("name") }));
  const descriptor = input.nullableString("statement_descriptor");
  if (descriptor !== undefined) next.statement_descriptor = descriptor;
  const taxCode = input.nullableString("tax_code");
  if (taxCode !== undefined) next.tax_code = taxCode;
  const unitLabel = input.nullableString("unit_label");
  if (unitLabel !== undefined) next.unit_label = unitLabel;
  const url = input.nullableString("url");
  if (url !== undefined) next.url = url;
  const shippable = input.bool("shippable");
  if (shippable !== undefined) next.shippable = shippable;
  const defaultPrice = input.nullableString("default_price");
  if (defaultPrice !== undefined) next.default_price = defaultPrice;
  return next;
}

export function createProduct(app: App, input: Params, id?: string): Stripe.Product {
  const name = input.requiredString("name");
  const now = realNow();
  if (id !== undefined && app.store.products.has(id)) {
    throw invalidRequest(`Product already exists.`, "id", "resource_already_exists");
  }
  const product = applyFields(input, {
    id: id ?? newId("product"),
    object: "product",
    active: true,
    created: now,
    default_price: null,
    description: null,
    images: [],
    livemode: false,
    marketing_features: [],
    metadata: {},
    name,
    package_dimensions: null,
    shippable: null,
    statement_descriptor: null,
    tax_code: null,
    tax_details: null,
    type: "service",
    unit_label: null,
    updated: now,
    url: null,
  });
  app.store.products.set(product.id, product);
  app.events.emit("product.created", product);
  return product;
}

function list(ctx: ApiContext) {
  const input = ctx.input.allow([...LIST_PARAMS, "active", "ids", "shippable", "url", "created"]);
  const active = input.bool("active");
  const ids = input.stringList("ids");
  const created = input.range("created");
  const items = Store.newestFirst(ctx.app.store.products).filter(
    (product) =>
      (active === undefined || product.active === active) &&
      (ids === undefined || ids.includes(product.id)) &&
      inRange(product.created, created),
  );
  return reply(ctx, paginate(items, input, "/v1/products"));
}

function search(ctx: ApiContext) {
  const input = ctx.input.allow(["query", "limit", "page", "expand"]);
  const query = parseSearchQuery(input.requiredString("query"));
  const items = Store.newestFirst(ctx.app.store.products).filter((product) =>
    matchesSearch(query, (field, key) => {
      if (field === "metadata") return key === undefined ? undefined : product.metadata[key];
      if (field === "active") return String(product.active);
      if (field === "name") return product.name;
      if (field === "description") return product.description;
      if (field === "created") return product.created;
      return undefined;
    }),
  );
  return reply(ctx, searchResult(items, input, "/v1/products/search"));
}

export const productRoutes: Route[] = [
  route("POST", "/v1/products", (ctx) => {
    const input = ctx.input.allow([...WRITABLE, "id"]);
    return reply(ctx, createProduct(ctx.app, input, input.string("id")));
  }),
  route("GET", "/v1/products", list),
  route("GET", "/v1/products/search", search),
  route("GET", "/v1/products/:id", (ctx) => {
    ctx.input.allow(["expand"]);
    return reply(ctx, getOr404(ctx.app.store.products, requireParam(ctx, "id"), "product"));
  }),
  route("POST", "/v1/products/:id", (ctx) => {
    const input = ctx.input.allow(WRITABLE);
    const before = getOr404(ctx.app.store.products, requireParam(ctx, "id"), "product");
    const after = { ...applyFields(input, before), updated: realNow() };
    return reply(ctx, commitUpdate(ctx.app, "product.updated", ctx.app.store.products, before, after));
  }),
  route("DELETE", "/v1/products/:id", (ctx) => {
    ctx.input.allow([]);
    const product = getOr404(ctx.app.store.products, requireParam(ctx, "id"), "product");
    const hasPrices = Array.from(ctx.app.store.prices.values()).some((price) => idOf(price.product) === product.id);
    if (hasPrices) {
      throw invalidRequest("This product cannot be deleted because it has one or more user-created prices.", "id");
    }
    ctx.app.store.products.delete(product.id);
    ctx.app.events.emit("product.deleted", product);
    const deleted: Stripe.DeletedProduct = { id: product.id, object: "product", deleted: true };
    return reply(ctx, deleted);
  }),
];
