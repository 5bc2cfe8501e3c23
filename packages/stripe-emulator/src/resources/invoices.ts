// /v1/invoices: create (from the customer's invoice items), update and delete drafts, finalize,
// send, pay, void, mark uncollectible; retrieve, list, search, line items.
import type Stripe from "stripe";
import type { App } from "../app.ts";
import { attemptPayment, finalizeInvoice } from "../billing/invoicing.ts";
import { createStandaloneInvoice, refreshDraft } from "../billing/standalone-invoices.ts";
import { settleAfterPayment } from "../billing/subscription-lifecycle.ts";
import { commitUpdate } from "../events/commit-update.ts";
import { cardError, invalidRequest, StripeHttpError } from "../http/errors.ts";
import { applyMetadata, inRange, type Params } from "../http/params.ts";
import { LIST_PARAMS, paginate, searchResult } from "../list.ts";
import { reply, requireParam, route, type ApiContext, type Route } from "../router.ts";
import { matchesSearch, parseSearchQuery } from "../search-query.ts";
import { Store } from "../store.ts";
import { nowFor } from "../time.ts";
import { attachedPaymentMethod, getOr404, idOf, liveCustomer } from "./lookup.ts";

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
  options: { paymentMethodId?: string; onSession: boolean; authenticated?: boolean },
): Stripe.Invoice {
  let invoice = open;
  if (invoice.status === "paid") throw invalidRequest("Invoice is already paid", "id", "invoice_already_paid");
  if (invoice.status === "void" || invoice.status === "uncollectible") {
    throw invalidRequest(`You cannot pay an invoice with status ${invoice.status}.`, "id", "invoice_not_editable");
  }
  const customerId = idOf(invoice.customer) ?? "";
  // Checked before a draft is finalized: a refused call leaves the draft as it was.
  if (options.paymentMethodId !== undefined)
    attachedPaymentMethod(app, customerId, options.paymentMethodId, "payment_method");
  if (invoice.status === "draft") invoice = finalizeInvoice(app, invoice);
  const result = attemptPayment(app, invoice, {
    onSession: options.onSession,
    authenticated: options.authenticated === true,
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

const COLLECTION_METHODS = ["charge_automatically", "send_invoice"] as const;

/** `collection_method` and `days_until_due` together, as Stripe checks them. */
function collection(input: Params, current?: Stripe.Invoice) {
  const method =
    input.oneOf("collection_method", COLLECTION_METHODS) ?? current?.collection_method ?? "charge_automatically";
  const days = input.int("days_until_due") ?? null;
  const hasDue = input.int("due_date") !== undefined || (current?.due_date ?? null) !== null;
  if (method === "send_invoice" && days === null && !hasDue) {
    throw invalidRequest(
      "Invoices with `collection_method=send_invoice` need `days_until_due` or `due_date`.",
      "days_until_due",
    );
  }
  if (method === "charge_automatically" && (days !== null || input.has("due_date"))) {
    throw invalidRequest(
      "`days_until_due` and `due_date` can only be set when `collection_method` is `send_invoice`.",
      "days_until_due",
    );
  }
  return { method, days };
}

function create(ctx: ApiContext) {
  const { app } = ctx;
  const input = ctx.input.allow([
    "customer",
    "description",
    "metadata",
    "auto_advance",
    "collection_method",
    "days_until_due",
    "due_date",
    "pending_invoice_items_behavior",
    "default_payment_method",
    "footer",
    "automatic_tax",
    "expand",
  ]);
  const customer = liveCustomer(app, input.requiredString("customer"));
  const { method, days } = collection(input);
  const pmId = input.string("default_payment_method");
  if (pmId !== undefined) attachedPaymentMethod(app, customer.id, pmId, "default_payment_method");
  const now = nowFor(app.store, customer.id);
  const behavior = input.oneOf("pending_invoice_items_behavior", ["include", "exclude"] as const) ?? "exclude";
  const dueDate = input.int("due_date");
  const footer = input.string("footer") ?? null;
  const automaticTax = input.child("automatic_tax", ["enabled", "liability"])?.bool("enabled") ?? false;
  // Everything is read and checked before the invoice takes the customer's pending items.
  const invoice = createStandaloneInvoice(
    app,
    {
      customerId: customer.id,
      subscription: null,
      reason: "manual",
      periodStart: now,
      periodEnd: now,
      collectionMethod: method,
      daysUntilDue: days,
      description: input.string("description") ?? null,
      metadata: applyMetadata(null, input.metadata()),
      autoAdvance: input.bool("auto_advance") ?? false,
      automaticTax,
    },
    behavior === "include",
    {
      ...(dueDate === undefined ? {} : { due_date: dueDate }),
      ...(pmId === undefined ? {} : { default_payment_method: pmId }),
      footer,
    },
  );
  return reply(ctx, invoice);
}

function draftOr400(app: App, id: string, action: string): Stripe.Invoice {
  const invoice = getOr404(app.store.invoices, id, "invoice");
  if (invoice.status !== "draft") {
    throw invalidRequest(
      `You can only ${action} draft invoices. This invoice is ${invoice.status ?? "not a draft"}.`,
      "id",
      "invoice_not_editable",
    );
  }
  return invoice;
}

function update(ctx: ApiContext) {
  const { app } = ctx;
  const input = ctx.input.allow([
    "description",
    "metadata",
    "auto_advance",
    "collection_method",
    "days_until_due",
    "due_date",
    "footer",
    "default_payment_method",
    "expand",
  ]);
  const before = getOr404(app.store.invoices, requireParam(ctx, "id"), "invoice");
  // Once finalized, only what does not change the amount or how it is collected may change.
  const ANY_TIME = ["metadata", "expand", "description", "footer", "auto_advance", "default_payment_method"];
  if (Object.keys(ctx.input.raw).some((key) => !ANY_TIME.includes(key))) draftOr400(app, before.id, "update");
  const onlyMetadata = Object.keys(ctx.input.raw).every((key) => key === "metadata" || key === "expand");
  if ((before.status === "paid" || before.status === "void") && !onlyMetadata) draftOr400(app, before.id, "update");
  const { method, days } = collection(input, before);
  const pmId = input.nullableString("default_payment_method");
  if (typeof pmId === "string") {
    attachedPaymentMethod(app, idOf(before.customer) ?? "", pmId, "default_payment_method");
  }
  const description = input.nullableString("description");
  const footer = input.nullableString("footer");
  const dueDate = input.int("due_date");
  const after: Stripe.Invoice = {
    ...before,
    collection_method: method,
    ...(days === null ? {} : { due_date: before.created + days * 86_400 }),
    ...(dueDate === undefined ? {} : { due_date: dueDate }),
    ...(method === "charge_automatically" ? { due_date: null } : {}),
    ...(description === undefined ? {} : { description }),
    ...(footer === undefined ? {} : { footer }),
    ...(pmId === undefined ? {} : { default_payment_method: pmId }),
    auto_advance: input.bool("auto_advance") ?? before.auto_advance,
    metadata: applyMetadata(before.metadata, input.metadata()),
  };
  return reply(ctx, commitUpdate(app, "invoice.updated", app.store.invoices, before, after));
}

function remove(ctx: ApiContext) {
  const { app } = ctx;
  ctx.input.allow([]);
  const invoice = draftOr400(app, requireParam(ctx, "id"), "delete");
  if (invoice.parent !== null) {
    throw invalidRequest("A subscription's invoice cannot be deleted; void it instead.", "id", "invoice_not_editable");
  }
  app.store.invoices.delete(invoice.id);
  for (const item of app.store.invoiceItems.values()) {
    if (idOf(item.invoice) === invoice.id) app.store.invoiceItems.set(item.id, { ...item, invoice: null });
  }
  app.events.emit("invoice.deleted", invoice);
  const deleted: Stripe.DeletedInvoice = { id: invoice.id, object: "invoice", deleted: true };
  return reply(ctx, deleted);
}

function finalize(ctx: ApiContext) {
  const { app } = ctx;
  ctx.input.allow(["auto_advance", "expand"]);
  const draft = draftOr400(app, requireParam(ctx, "id"), "finalize");
  const open = finalizeInvoice(app, refreshDraft(app, draft.id) ?? draft);
  // Nothing to collect: Stripe marks it paid as it finalizes it.
  if (open.amount_due === 0) {
    const result = attemptPayment(app, open, { onSession: false, scheduleRetries: false });
    const subId = subscriptionOf(result.invoice);
    if (subId !== null) settleAfterPayment(app, subId, result);
    return reply(ctx, result.invoice);
  }
  return reply(ctx, open);
}

/** `send`: the invoice is emailed (here: only the event); a draft is finalized first. */
function send(ctx: ApiContext) {
  const { app } = ctx;
  ctx.input.allow(["expand"]);
  let invoice = getOr404(app.store.invoices, requireParam(ctx, "id"), "invoice");
  if (invoice.collection_method !== "send_invoice") {
    throw invalidRequest("You can only manually send an invoice if its collection method is 'send_invoice'.", "id");
  }
  if (invoice.status === "draft") invoice = finalizeInvoice(app, invoice);
  if (invoice.status !== "open") {
    throw invalidRequest(`You cannot send an invoice with status ${invoice.status ?? "unknown"}.`, "id");
  }
  app.events.emit("invoice.sent", invoice);
  return reply(ctx, invoice);
}

function markUncollectible(ctx: ApiContext) {
  const { app } = ctx;
  ctx.input.allow(["expand"]);
  const invoice = getOr404(app.store.invoices, requireParam(ctx, "id"), "invoice");
  if (invoice.status !== "open") {
    throw invalidRequest("You can only mark open invoices as uncollectible.", "id", "invoice_not_editable");
  }
  const now = nowFor(app.store, idOf(invoice.customer));
  const marked: Stripe.Invoice = {
    ...invoice,
    status: "uncollectible",
    next_payment_attempt: null,
    status_transitions: { ...invoice.status_transitions, marked_uncollectible_at: now },
  };
  app.store.invoices.set(marked.id, marked);
  app.store.dunning.delete(marked.id);
  app.events.emit("invoice.marked_uncollectible", marked);
  return reply(ctx, marked);
}

export const invoiceRoutes: Route[] = [
  route("POST", "/v1/invoices", create),
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
  route("POST", "/v1/invoices/:id", update),
  route("DELETE", "/v1/invoices/:id", remove),
  route("POST", "/v1/invoices/:id/finalize", finalize),
  route("POST", "/v1/invoices/:id/send", send),
  route("POST", "/v1/invoices/:id/mark_uncollectible", markUncollectible),
  route("POST", "/v1/invoices/:id/pay", pay),
  route("POST", "/v1/invoices/:id/void", voidInvoice),
];
