// /v1/customers: create, retrieve (deleted ones too), update, delete, list, search.
import type Stripe from "stripe";
import type { App } from "../app.ts";
import { buildCustomer } from "../billing/customer-factory.ts";
import { cancelSubscriptionNow } from "../billing/subscription-lifecycle.ts";
import { commitUpdate } from "../events/commit-update.ts";
import { invalidRequest } from "../http/errors.ts";
import { applyMetadata, type Params } from "../http/params.ts";
import { LIST_PARAMS, paginate, searchResult } from "../list.ts";
import { reply, requireParam, route, type ApiContext, type Route } from "../router.ts";
import { matchesSearch, parseSearchQuery } from "../search-query.ts";
import { Store } from "../store.ts";
import { realNow } from "../time.ts";
import { attachedPaymentMethod, getOr404, idOf, liveCustomer } from "./lookup.ts";
import { attachPaymentMethod, checkAttachable, materializePaymentMethod, sourceCard } from "./payment-methods.ts";
import { addTaxId, readTaxIdData } from "./tax-ids.ts";

const WRITABLE = [
  "address",
  "email",
  "name",
  "description",
  "phone",
  "metadata",
  "invoice_settings",
  "expand",
  "preferred_locales",
] as const;
const INVOICE_SETTINGS = ["default_payment_method", "custom_fields", "footer", "rendering_options"] as const;

function contactFields(input: Params, customer: Stripe.Customer): Stripe.Customer {
  const next: Stripe.Customer = { ...customer, metadata: applyMetadata(customer.metadata, input.metadata()) };
  const email = input.nullableString("email");
  if (email !== undefined) next.email = email;
  const name = input.nullableString("name");
  if (name !== undefined) next.name = name;
  const description = input.nullableString("description");
  if (description !== undefined) next.description = description;
  const phone = input.nullableString("phone");
  if (phone !== undefined) next.phone = phone;
  const locales = input.stringList("preferred_locales");
  if (locales !== undefined) next.preferred_locales = locales;
  const address = addressOf(input);
  if (address !== undefined) next.address = address;
  return next;
}

const ADDRESS_FIELDS = ["line1", "line2", "city", "state", "postal_code", "country"] as const;

/** `address[…]`, or `address=` to remove it; Stripe wants a two-letter country code. */
function addressOf(input: Params): Stripe.Address | null | undefined {
  if (input.raw.address === "") return null;
  const address = input.child("address", ADDRESS_FIELDS);
  if (address === undefined) return undefined;
  const country = address.nullableString("country") ?? null;
  if (country !== null && !/^[A-Z]{2}$/.test(country))
    throw invalidRequest(
      `Country '${country}' is unknown. Try using a 2-character alphanumeric country code instead, ` +
        "such as 'US', 'EG', or 'GB'.",
      "address[country]",
    );
  const field = (key: (typeof ADDRESS_FIELDS)[number]) => address.nullableString(key) ?? null;
  return {
    line1: field("line1"),
    line2: field("line2"),
    city: field("city"),
    state: field("state"),
    postal_code: field("postal_code"),
    country,
  };
}

function withInvoiceSettings(app: App, input: Params, customer: Stripe.Customer): Stripe.Customer {
  const settings = input.child("invoice_settings", INVOICE_SETTINGS);
  if (settings === undefined) return customer;
  const footer = settings.nullableString("footer");
  const pmId = settings.nullableString("default_payment_method");
  if (pmId !== undefined && pmId !== null) {
    attachedPaymentMethod(app, customer.id, pmId, "invoice_settings[default_payment_method]");
  }
  return {
    ...customer,
    invoice_settings: {
      ...customer.invoice_settings,
      ...(footer === undefined ? {} : { footer }),
      ...(pmId === undefined ? {} : { default_payment_method: pmId }),
    },
  };
}

function create(ctx: ApiContext) {
  const { app } = ctx;
  const input = ctx.input.allow([...WRITABLE, "test_clock", "payment_method", "tax_id_data", "source"]);
  const taxIdData = readTaxIdData(input);
  const sourceToken = input.string("source");
  const clockId = input.string("test_clock");
  const clock = clockId === undefined ? undefined : getOr404(app.store.testClocks, clockId, "test_clock", "test_clock");
  const base = buildCustomer(clock?.frozen_time ?? realNow(), clock?.id ?? null);
  const pmRef = input.string("payment_method");
  if (pmRef !== undefined) checkAttachable(app, pmRef);
  const pmId = pmRef === undefined ? undefined : materializePaymentMethod(app, pmRef).id;
  const settings = input.child("invoice_settings", INVOICE_SETTINGS);
  const defaultPm = settings?.nullableString("default_payment_method") ?? null;
  if (defaultPm !== null && defaultPm !== pmRef && defaultPm !== pmId) {
    attachedPaymentMethod(app, base.id, defaultPm, "invoice_settings[default_payment_method]");
  }
  const contact = contactFields(input, base);
  const customer: Stripe.Customer = {
    ...contact,
    invoice_settings: {
      ...contact.invoice_settings,
      footer: settings?.nullableString("footer") ?? null,
      default_payment_method: defaultPm === null ? null : (pmId ?? null),
    },
  };
  // Made last, once everything else was checked: a refused create leaves no card behind.
  const source = sourceToken === undefined ? undefined : sourceCard(app, sourceToken);
  const stored: Stripe.Customer = source === undefined ? customer : { ...customer, default_source: source.id };
  app.store.customers.set(stored.id, stored);
  app.events.emit("customer.created", stored);
  if (pmId !== undefined) attachPaymentMethod(app, pmId, customer.id);
  if (source !== undefined) attachPaymentMethod(app, source.id, customer.id, "source");
  for (const taxId of taxIdData) addTaxId(app, customer.id, taxId);
  return reply(ctx, stored);
}

function retrieve(ctx: ApiContext) {
  ctx.input.allow(["expand"]);
  const id = requireParam(ctx, "id");
  if (ctx.app.store.deletedCustomers.has(id)) {
    const deleted: Stripe.DeletedCustomer = { id, object: "customer", deleted: true };
    return reply(ctx, deleted);
  }
  return reply(ctx, liveCustomer(ctx.app, id, "id"));
}

function update(ctx: ApiContext) {
  const { app } = ctx;
  const input = ctx.input.allow([...WRITABLE]);
  const before = liveCustomer(app, requireParam(ctx, "id"), "id");
  const after = withInvoiceSettings(app, input, contactFields(input, before));
  return reply(ctx, commitUpdate(app, "customer.updated", app.store.customers, before, after));
}

export function deleteCustomer(app: App, customer: Stripe.Customer): Stripe.DeletedCustomer {
  for (const sub of app.store.subscriptions.values()) {
    if (idOf(sub.customer) === customer.id && sub.status !== "canceled" && sub.status !== "incomplete_expired") {
      cancelSubscriptionNow(app, sub, "cancellation_requested");
    }
  }
  for (const pm of app.store.paymentMethods.values()) {
    if (idOf(pm.customer) === customer.id) app.store.paymentMethods.set(pm.id, { ...pm, customer: null });
  }
  app.store.customers.delete(customer.id);
  app.store.deletedCustomers.add(customer.id);
  app.events.emit("customer.deleted", customer);
  return { id: customer.id, object: "customer", deleted: true };
}

function list(ctx: ApiContext) {
  const input = ctx.input.allow([...LIST_PARAMS, "email", "created", "test_clock"]);
  const email = input.string("email");
  const clock = input.string("test_clock");
  const created = input.range("created");
  const items = Store.newestFirst(ctx.app.store.customers).filter(
    (customer) =>
      (email === undefined || customer.email === email) &&
      (clock === undefined || idOf(customer.test_clock) === clock) &&
      (created === undefined || inCreated(customer.created, created)),
  );
  return reply(ctx, paginate(items, input, "/v1/customers"));
}

function inCreated(value: number, range: { gt?: number; gte?: number; lt?: number; lte?: number }): boolean {
  return (
    (range.gt === undefined || value > range.gt) &&
    (range.gte === undefined || value >= range.gte) &&
    (range.lt === undefined || value < range.lt) &&
    (range.lte === undefined || value <= range.lte)
  );
}

function search(ctx: ApiContext) {
  const input = ctx.input.allow(["query", "limit", "page", "expand"]);
  const query = parseSearchQuery(input.requiredString("query"));
  const items = Store.newestFirst(ctx.app.store.customers).filter((customer) =>
    matchesSearch(query, (field, key) => {
      if (field === "metadata") return key === undefined ? undefined : customer.metadata[key];
      if (field === "email") return customer.email;
      if (field === "name") return customer.name;
      if (field === "phone") return customer.phone;
      if (field === "created") return customer.created;
      return undefined;
    }),
  );
  return reply(ctx, searchResult(items, input, "/v1/customers/search"));
}

export const customerRoutes: Route[] = [
  route("POST", "/v1/customers", create),
  route("GET", "/v1/customers", list),
  route("GET", "/v1/customers/search", search),
  route("GET", "/v1/customers/:id", retrieve),
  route("POST", "/v1/customers/:id", update),
  route("DELETE", "/v1/customers/:id", (ctx) => {
    ctx.input.allow([]);
    return reply(ctx, deleteCustomer(ctx.app, liveCustomer(ctx.app, requireParam(ctx, "id"), "id")));
  }),
];
