// /v1/invoices: retrieve, list, pay, void, line items.
import type Stripe from "stripe";
import type { App } from "../app.ts";
import { attemptPayment, finalizeInvoice } from "../billing/invoicing.ts";
import { settleAfterPayment } from "../billing/subscription-lifecycle.ts";
import { cardError, invalidRequest, StripeHttpError } from "../http/errors.ts";
import { inRange } from "../http/params.ts";
import { LIST_PARAMS, paginate, searchResult } from "../list.ts";
import { reply, requireParam, route, type ApiContext, type Route } from "../router.ts";
import { matchesSearch, parseSearchQuery } from "../search-query.ts";
import { Store } from "../store.ts";
import { nowFor } from "../time.ts";
import { attachedPaymentMethod, getOr404, idOf } from "./lookup.ts";

function subscriptionOf(invoice: Stripe.Invoice): string | null {
  return idOf(invoice.parent?.subscription_details?.subscription);
}

function list(ctx: ApiContext) {
  const input = ctx.input.allow([
    ...LIST_PARAMS,
    "customer",
    "subscription",
    "status",
    "created",
    "collection_method",
    "due_date",
  ]);
  const customer = input.string("customer");
  const subscription = input.string("subscription");
  const status = input.oneOf("status", ["draft", "open", "paid", "uncollectible", "void"] as const);
  const created = input.range("created");
  const items = Store.newestFirst(ctx.app.store.invoices).filter(
    (invoice) =>
      (customer === undefined || idOf(invoice.customer) === customer) &&
      (subscription === undefined || subscriptionOf(invoice) === subscription) &&
      (status === undefined || invoice.status === status) &&
      inRange(invoice.created, created),
  );
  return reply(ctx, paginate(items, input, "/v1/invoices"));
}

/**
 * Charges an open (or draft) invoice now, as `invoices.pay` and the portal's "Pay now" do: with the
 * given payment method, else the invoice's / subscription's / customer's default. Throws the card
 * error on decline, after moving the subscription (e.g. still past_due).
 */
export function payInvoice(
  app: App,
  open: Stripe.Invoice,
  options: { paymentMethodId?: string; onSession: boolean },
): Stripe.Invoice {
  let invoice = open;
  if (invoice.status === "paid") throw invalidRequest("Invoice is already paid", "id", "invoice_already_paid");
  if (invoice.status === "void" || invoice.status === "uncollectible") {
    throw invalidRequest(`You cannot pay an invoice with status ${invoice.status}.`, "id", "invoice_not_editable");
  }
  if (invoice.status === "draft") invoice = finalizeInvoice(app, invoice);
  const customerId = idOf(invoice.customer) ?? "";
  if (options.paymentMethodId !== undefined)
    attachedPaymentMethod(app, customerId, options.paymentMethodId, "payment_method");
  const result = attemptPayment(app, invoice, {
    onSession: options.onSession,
    scheduleRetries: false,
    ...(options.paymentMethodId === undefined ? {} : { paymentMethodId: options.paymentMethodId }),
  });
  const subId = subscriptionOf(result.invoice);
  if (subId !== null) settleAfterPayment(app, subId, result);
  if (result.kind === "failed") throw cardError(result.decline);
  if (result.kind === "requires_action") {
    throw new StripeHttpError(402, {
      type: "card_error",
      code: "invoice_payment_intent_requires_action",
      message: "This payment requires additional user action before it can be completed successfully.",
    });
  }
  return result.invoice;
}

function pay(ctx: ApiContext) {
  const { app } = ctx;
  const input = ctx.input.allow([
    "payment_method",
    "off_session",
    "paid_out_of_band",
    "forgive",
    "expand",
    "source",
    "mandate",
  ]);
  const invoice = getOr404(app.store.invoices, requireParam(ctx, "id"), "invoice");
  if (input.bool("paid_out_of_band") === true && (invoice.status === "open" || invoice.status === "draft")) {
    const open = invoice.status === "draft" ? finalizeInvoice(app, invoice) : invoice;
    const now = nowFor(app.store, idOf(open.customer));
    const paid: Stripe.Invoice = {
      ...open,
      status: "paid",
      amount_paid: 0,
      amount_paid_off_stripe: open.amount_remaining,
      amount_remaining: 0,
      next_payment_attempt: null,
      status_transitions: { ...open.status_transitions, paid_at: now },
    };
    app.store.invoices.set(paid.id, paid);
    app.events.emit("invoice.paid", paid);
    const subId = subscriptionOf(paid);
    if (subId !== null) settleAfterPayment(app, subId, { kind: "paid", invoice: paid });
    return reply(ctx, paid);
  }
  const pmId = input.string("payment_method");
  return reply(
    ctx,
    payInvoice(app, invoice, {
      onSession: input.bool("off_session") === false,
      ...(pmId === undefined ? {} : { paymentMethodId: pmId }),
    }),
  );
}

function voidInvoice(ctx: ApiContext) {
  ctx.input.allow(["expand"]);
  const invoice = getOr404(ctx.app.store.invoices, requireParam(ctx, "id"), "invoice");
  if (invoice.status !== "open") throw invalidRequest(`You can only void open invoices.`, "id", "invoice_not_editable");
  const voided: Stripe.Invoice = {
    ...invoice,
    status: "void",
    amount_remaining: 0,
    next_payment_attempt: null,
    status_transitions: { ...invoice.status_transitions, voided_at: nowFor(ctx.app.store, idOf(invoice.customer)) },
  };
  ctx.app.store.invoices.set(voided.id, voided);
  ctx.app.store.dunning.delete(voided.id);
  ctx.app.events.emit("invoice.voided", voided);
  return reply(ctx, voided);
}

function search(ctx: ApiContext) {
  const input = ctx.input.allow(["query", "limit", "page", "expand"]);
  const query = parseSearchQuery(input.requiredString("query"));
  const items = Store.newestFirst(ctx.app.store.invoices).filter((invoice) =>
    matchesSearch(query, (field, key) => {
      if (field === "metadata") return key === undefined ? undefined : invoice.metadata?.[key];
      if (field === "status") return invoice.status;
      if (field === "customer") return idOf(invoice.customer);
      if (field === "subscription") return subscriptionOf(invoice);
      if (field === "total") return invoice.total;
      if (field === "created") return invoice.created;
      return undefined;
    }),
  );
  return reply(ctx, searchResult(items, input, "/v1/invoices/search"));
}

export const invoiceRoutes: Route[] = [
  route("GET", "/v1/invoices", list),
  route("GET", "/v1/invoices/search", search),
  route("GET", "/v1/invoices/:id", (ctx) => {
    ctx.input.allow(["expand"]);
    return reply(ctx, getOr404(ctx.app.store.invoices, requireParam(ctx, "id"), "invoice"));
  }),
  route("GET", "/v1/invoices/:id/lines", (ctx) => {
    const input = ctx.input.allow(LIST_PARAMS);
    const invoice = getOr404(ctx.app.store.invoices, requireParam(ctx, "id"), "invoice");
    return reply(ctx, paginate(invoice.lines.data, input, `/v1/invoices/${invoice.id}/lines`));
  }),
  route("POST", "/v1/invoices/:id/pay", pay),
  route("POST", "/v1/invoices/:id/void", voidInvoice),
];
