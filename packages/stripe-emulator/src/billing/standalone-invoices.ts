// Invoices made by hand (`POST /v1/invoices`) from a customer's invoice items, rather than by a
// subscription: their lines are the items on them, rebuilt whenever an item changes while the
// invoice is a draft.
import Stripe from "stripe";
import type { App } from "../app.ts";
import { invalidRequest } from "../http/errors.ts";
import { newId } from "../ids.ts";
import { idOf } from "../resources/lookup.ts";
import { assembleInvoice, type InvoiceShell } from "./invoice-factory.ts";

function itemLine(item: Stripe.InvoiceItem, invoiceId: string): Stripe.InvoiceLineItem {
  return {
    id: newId("invoiceLine"),
    object: "line_item",
    amount: item.amount,
    currency: item.currency,
    description: item.description,
    discount_amounts: [],
    discountable: item.discountable,
    discounts: [],
    invoice: invoiceId,
    livemode: false,
    metadata: item.metadata ?? {},
    parent: {
      type: "invoice_item_details",
      invoice_item_details: {
        invoice_item: item.id,
        proration: item.proration,
        proration_details: { credited_items: null },
        subscription: null,
      },
      subscription_item_details: null,
    },
    period: item.period,
    pretax_credit_amounts: [],
    pricing: item.pricing,
    quantity: item.quantity,
    quantity_decimal: Stripe.Decimal.from(item.quantity),
    subscription: null,
    subtotal: item.amount,
    taxes: [],
  };
}

/** The customer's invoice items on this invoice, oldest first, as its lines. */
function linesOf(app: App, invoiceId: string): Stripe.InvoiceLineItem[] {
  return [...app.store.invoiceItems.values()]
    .filter((item) => idOf(item.invoice) === invoiceId)
    .map((item) => itemLine(item, invoiceId));
}

export function createStandaloneInvoice(app: App, shell: Omit<InvoiceShell, "id">, includePending: boolean) {
  const id = newId("invoice");
  if (includePending) {
    for (const item of app.store.invoiceItems.values()) {
      if (idOf(item.customer) === shell.customerId && item.invoice === null && item.parent === null) {
        app.store.invoiceItems.set(item.id, { ...item, invoice: id });
      }
    }
  }
  const invoice = assembleInvoice(app, { ...shell, id }, linesOf(app, id));
  app.store.invoices.set(invoice.id, invoice);
  app.events.emit("invoice.created", invoice);
  return invoice;
}

/** After an item on a draft changed: the draft's lines and totals again, from its items. */
export function refreshDraft(app: App, invoiceId: string): Stripe.Invoice | undefined {
  const draft = app.store.invoices.get(invoiceId);
  if (draft?.status !== "draft" || draft.parent !== null) return draft;
  const lines = linesOf(app, invoiceId);
  const rebuilt = assembleInvoice(
    app,
    {
      id: draft.id,
      customerId: idOf(draft.customer) ?? "",
      subscription: null,
      reason: draft.billing_reason ?? "manual",
      periodStart: draft.period_start,
      periodEnd: draft.period_end,
      collectionMethod: draft.collection_method,
      daysUntilDue: null,
      description: draft.description,
      metadata: draft.metadata ?? {},
      autoAdvance: draft.auto_advance ?? false,
      automaticTax: draft.automatic_tax.enabled,
    },
    lines,
  );
  const updated: Stripe.Invoice = { ...rebuilt, created: draft.created, due_date: draft.due_date };
  app.store.invoices.set(updated.id, updated);
  return updated;
}

/** Only a draft's items may change: Stripe refuses once the invoice is finalized. */
export function assertDraft(app: App, invoiceId: string | null, param: string): void {
  if (invoiceId === null) return;
  const invoice = app.store.invoices.get(invoiceId);
  if (invoice === undefined) throw invalidRequest(`No such invoice: '${invoiceId}'`, param, "resource_missing");
  if (invoice.status !== "draft") {
    throw invalidRequest(
      `The invoice ${invoiceId} is not a draft: its items can no longer change.`,
      param,
      "invoice_not_editable",
    );
  }
}
