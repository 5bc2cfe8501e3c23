// /v1/invoiceitems: a charge (or credit) for a customer, pending until an invoice takes it, or
// put straight on a draft invoice with `invoice`.
import Stripe from "stripe";
import { assertDraft, refreshDraft } from "../billing/standalone-invoices.ts";
import { invalidRequest } from "../http/errors.ts";
import { applyMetadata } from "../http/params.ts";
import { newId } from "../ids.ts";
import { LIST_PARAMS, paginate } from "../list.ts";
import { reply, requireParam, route, type ApiContext, type Route } from "../router.ts";
import { Store } from "../store.ts";
import { clockIdOf, nowFor } from "../time.ts";
import { getOr404, idOf, liveCustomer } from "./lookup.ts";

/** A price's amount for a quantity, in whole cents (decimal prices round as Stripe rounds). */
function priceAmount(unit: Stripe.Decimal | null, quantity: number): number {
  return unit === null ? 0 : Math.round(Number(unit.toString()) * quantity);
}

function create(ctx: ApiContext) {
  const { app } = ctx;
  const input = ctx.input.allow([
    "customer",
    "amount",
    "currency",
    "price",
    "pricing",
    "quantity",
    "description",
    "invoice",
    "subscription",
    "discountable",
    "period",
    "metadata",
    "expand",
    "unit_amount_decimal",
  ]);
  const customer = liveCustomer(app, input.requiredString("customer"));
  if (input.has("subscription")) {
    throw invalidRequest("The emulator does not add invoice items to subscriptions yet.", "subscription");
  }
  const invoiceId = input.string("invoice") ?? null;
  const priceId = input.string("price") ?? input.child("pricing", ["price"])?.string("price");
  const price = priceId === undefined ? undefined : getOr404(app.store.prices, priceId, "price", "price");
  const quantity = input.int("quantity") ?? 1;
  const amount = price === undefined ? input.int("amount") : priceAmount(price.unit_amount_decimal, quantity);
  if (amount === undefined) {
    throw invalidRequest("You must specify either `amount` or `price` for an invoice item.", "amount");
  }
  const currency = price?.currency ?? input.string("currency")?.toLowerCase();
  if (currency === undefined)
    throw invalidRequest("Missing required param: currency.", "currency", "parameter_missing");
  assertDraft(app, invoiceId, "invoice", { customerId: customer.id, currency });
  const now = nowFor(app.store, customer.id);
  const period = input.child("period", ["start", "end"]);
  const item: Stripe.InvoiceItem = {
    id: newId("invoiceItem"),
    object: "invoiceitem",
    amount,
    currency,
    customer: customer.id,
    customer_account: null,
    date: now,
    description: input.string("description") ?? null,
    discountable: input.bool("discountable") ?? amount >= 0,
    discounts: [],
    invoice: invoiceId,
    livemode: false,
    metadata: applyMetadata(null, input.metadata()),
    parent: null,
    period: { start: period?.int("start") ?? now, end: period?.int("end") ?? now },
    pricing:
      price === undefined
        ? null
        : {
            type: "price_details",
            price_details: { price: price.id, product: idOf(price.product) ?? "" },
            unit_amount_decimal: price.unit_amount_decimal,
          },
    proration: false,
    quantity,
    quantity_decimal: Stripe.Decimal.from(quantity),
    tax_rates: [],
    test_clock: clockIdOf(app.store, customer.id),
  };
  app.store.invoiceItems.set(item.id, item);
  app.events.emit("invoiceitem.created", item);
  if (invoiceId !== null) refreshDraft(app, invoiceId);
  return reply(ctx, item);
}

function update(ctx: ApiContext) {
  const { app } = ctx;
  const input = ctx.input.allow(["amount", "description", "quantity", "metadata", "discountable", "expand"]);
  const before = getOr404(app.store.invoiceItems, requireParam(ctx, "id"), "invoice item");
  assertDraft(app, idOf(before.invoice), "id");
  const quantity = input.int("quantity") ?? before.quantity;
  const unit = before.pricing?.unit_amount_decimal;
  const amount = input.int("amount") ?? (unit == null ? before.amount : priceAmount(unit, quantity));
  const after: Stripe.InvoiceItem = {
    ...before,
    amount,
    quantity,
    quantity_decimal: Stripe.Decimal.from(quantity),
    description: input.nullableString("description") ?? before.description,
    discountable: input.bool("discountable") ?? before.discountable,
    metadata: applyMetadata(before.metadata, input.metadata()),
  };
  app.store.invoiceItems.set(after.id, after);
  const invoiceId = idOf(after.invoice);
  if (invoiceId !== null) refreshDraft(app, invoiceId);
  return reply(ctx, after);
}

function remove(ctx: ApiContext) {
  const { app } = ctx;
  ctx.input.allow([]);
  const item = getOr404(app.store.invoiceItems, requireParam(ctx, "id"), "invoice item");
  assertDraft(app, idOf(item.invoice), "id");
  app.store.invoiceItems.delete(item.id);
  app.events.emit("invoiceitem.deleted", item);
  const invoiceId = idOf(item.invoice);
  if (invoiceId !== null) refreshDraft(app, invoiceId);
  const deleted: Stripe.DeletedInvoiceItem = { id: item.id, object: "invoiceitem", deleted: true };
  return reply(ctx, deleted);
}

function list(ctx: ApiContext) {
  const input = ctx.input.allow([...LIST_PARAMS, "customer", "invoice", "pending", "created"]);
  const customer = input.string("customer");
  const invoice = input.string("invoice");
  const pending = input.bool("pending");
  const items = Store.newestFirst(ctx.app.store.invoiceItems).filter(
    (item) =>
      (customer === undefined || idOf(item.customer) === customer) &&
      (invoice === undefined || idOf(item.invoice) === invoice) &&
      (pending === undefined || (item.invoice === null) === pending),
  );
  return reply(ctx, paginate(items, input, "/v1/invoiceitems"));
}

export const invoiceItemRoutes: Route[] = [
  route("POST", "/v1/invoiceitems", create),
  route("GET", "/v1/invoiceitems", list),
  route("GET", "/v1/invoiceitems/:id", (ctx) => {
    ctx.input.allow(["expand"]);
    return reply(ctx, getOr404(ctx.app.store.invoiceItems, requireParam(ctx, "id"), "invoice item"));
  }),
  route("POST", "/v1/invoiceitems/:id", update),
  route("DELETE", "/v1/invoiceitems/:id", remove),
];
