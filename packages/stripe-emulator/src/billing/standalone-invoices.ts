// Invoices made by hand (`POST /v1/invoices`) from a customer's invoice items, rather than by a
// subscription: their lines are the items on them, rebuilt whenever an item changes while the
// invoice is a draft.
import Stripe from "stripe";
import type { App } from "../app.ts";
import { invalidRequest } from "../http/errors.ts";
import { newId } from "../ids.ts";
import { idOf } from "../resources/lookup.ts";
import { assembleInvoice, type InvoiceShell } from "./invoice-factory.ts";

function itemLine(item: Stripe.InvoiceItem, invoiceId: string, lineId: string): Stripe.InvoiceLineItem {
  return {
    id: lineId,
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

/**
 * The customer's invoice items on this invoice, oldest first, as its lines; an item keeps its
 * line's id from one rebuild to the next.
 */
function linesOf(app: App, invoiceId: string, previous: Stripe.InvoiceLineItem[] = []): Stripe.InvoiceLineItem[] {
  const lineIds = new Map(previous.map((line) => [line.parent?.invoice_item_details?.invoice_item, line.id]));
  return [...app.store.invoiceItems.values()]
    .filter((item) => idOf(item.invoice) === invoiceId)
    .map((item) => itemLine(item, invoiceId, lineIds.get(item.id) ?? newId("invoiceLine")));
}

/** A hand-made invoice; `extra` holds what the create call set beyond the shell (footer, due date…). */
export function createStandaloneInvoice(
  app: App,
  shell: Omit<InvoiceShell, "id">,
  includePending: boolean,
  extra: Partial<Pick<Stripe.Invoice, "due_date" | "default_payment_method" | "footer">> = {},
) {
  const id = newId("invoice");
  if (includePending) {
    for (const item of app.store.invoiceItems.values()) {
      if (idOf(item.customer) === shell.customerId && item.invoice === null && item.parent === null) {
        app.store.invoiceItems.set(item.id, { ...item, invoice: id });
      }
    }
  }
  const invoice: Stripe.Invoice = { ...assembleInvoice(app, { ...shell, id }, linesOf(app, id)), ...extra };
  app.store.invoices.set(invoice.id, invoice);
  app.events.emit("invoice.created", invoice);
  return invoice;
}

/** After an item on a draft changed: the draft's lines and totals again, from its items. */
export function refreshDraft(app: App, invoiceId: string): Stripe.Invoice | undefined {
  const draft = app.store.invoices.get(invoiceId);
  if (draft?.status !== "draft" || draft.parent !== null) return draft;
  const lines = linesOf(app, invoiceId, draft.lines.data);
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
  // Only what the lines decide changes; everything the calls set (footer, payment method…) stays.
  const updated: Stripe.Invoice = {
    ...draft,
    lines: rebuilt.lines,
    subtotal: rebuilt.subtotal,
    subtotal_excluding_tax: rebuilt.subtotal_excluding_tax,
    total: rebuilt.total,
    total_excluding_tax: rebuilt.total_excluding_tax,
    total_taxes: rebuilt.total_taxes,
    amount_due: rebuilt.amount_due,
    amount_remaining: rebuilt.amount_remaining,
    currency: rebuilt.currency,
    customer_address: rebuilt.customer_address,
    customer_tax_ids: rebuilt.customer_tax_ids,
    customer_name: rebuilt.customer_name,
    customer_email: rebuilt.customer_email,
    customer_phone: rebuilt.customer_phone,
    automatic_tax: rebuilt.automatic_tax,
  };
  app.store.invoices.set(updated.id, updated);
  return updated;
}

/**
 * Only a draft's items may change, and only on a hand-made draft of the item's customer in the
 * item's currency: Stripe refuses the rest.
 */
export function assertDraft(
  app: App,
  invoiceId: string | null,
  param: string,
  item?: { customerId: string; currency: string },
): void {
  if (invoiceId === null) return;
  const invoice = app.store.invoices.get(invoiceId);
  if (invoice === undefined) throw invalidRequest(`No such invoice: '${invoiceId}'`, param, "resource_missing");
  if (item !== undefined && idOf(invoice.customer) !== item.customerId) {
    throw invalidRequest(`The invoice ${invoiceId} belongs to another customer.`, param);
  }
  if (item !== undefined && invoice.parent !== null) {
    throw invalidRequest(`Items cannot be added to a subscription's invoice here.`, param);
  }
  if (item !== undefined && invoice.lines.data.length > 0 && invoice.currency !== item.currency) {
    throw invalidRequest(`The invoice is in ${invoice.currency}; this item is in ${item.currency}.`, "currency");
  }
  if (invoice.status !== "draft") {
    throw invalidRequest(
      `The invoice ${invoiceId} is not a draft: its items can no longer change.`,
      param,
      "invoice_not_editable",
    );
  }
}
