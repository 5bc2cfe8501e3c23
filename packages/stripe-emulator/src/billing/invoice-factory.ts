// Builds draft subscription invoices (Stripe.Invoice) and their line items.
import Stripe from "stripe";
import type { App } from "../app.ts";
import { newId } from "../ids.ts";
import { idOf } from "../resources/lookup.ts";
import { nowFor } from "../time.ts";
import { taxLines } from "./tax.ts";
import { activeDiscounts, discountLines, spendDiscounts, type InvoiceDiscount } from "./discounts.ts";

export interface LineInput {
  description: string;
  amount: number;
  quantity: number;
  price: Stripe.Price;
  subscriptionItemId: string;
  periodStart: number;
  periodEnd: number;
  proration: boolean;
}

export interface InvoiceInput {
  subscription: Stripe.Subscription;
  reason: Stripe.Invoice.BillingReason;
  /** Pre-allocated so the subscription event before `invoice.created` can already name it. */
  id?: string;
  lines: LineInput[];
  periodStart: number;
  periodEnd: number;
  /** When the discounts are judged: the invoice's own time (a preview's is in the future). */
  discountsAt?: number;
}

function buildLine(
  line: LineInput,
  invoiceId: string,
  subscriptionId: string,
  discountAmounts: Stripe.InvoiceLineItem.DiscountAmount[],
): Stripe.InvoiceLineItem {
  const productId = typeof line.price.product === "string" ? line.price.product : line.price.product.id;
  return {
    id: newId("invoiceLine"),
    object: "line_item",
    amount: line.amount,
    currency: line.price.currency,
    description: line.description,
    discount_amounts: discountAmounts,
    discountable: !line.proration,
    discounts: [],
    invoice: invoiceId,
    livemode: false,
    metadata: {},
    parent: {
      type: "subscription_item_details",
      invoice_item_details: null,
      subscription_item_details: {
        invoice_item: line.proration ? newId("invoiceItem") : null,
        proration: line.proration,
        proration_details: { credited_items: null },
        subscription: subscriptionId,
        subscription_item: line.subscriptionItemId,
      },
    },
    period: { start: line.periodStart, end: line.periodEnd },
    pretax_credit_amounts: [],
    pricing: {
      type: "price_details",
      price_details: { price: line.price.id, product: productId },
      unit_amount_decimal: line.price.unit_amount_decimal,
    },
    quantity: line.quantity,
    quantity_decimal: Stripe.Decimal.from(line.quantity),
    subscription: subscriptionId,
    subtotal: line.amount,
    taxes: [],
  };
}

/** What an invoice is, apart from its lines: whose, why, and how it is collected. */
export interface InvoiceShell {
  id: string;
  customerId: string;
  subscription: Stripe.Subscription | null;
  reason: Stripe.Invoice.BillingReason;
  periodStart: number;
  periodEnd: number;
  collectionMethod: Stripe.Invoice.CollectionMethod;
  /** For `send_invoice`: the due date is this many days after the invoice is made. */
  daysUntilDue: number | null;
  description: string | null;
  metadata: Record<string, string>;
  autoAdvance: boolean;
  /** Stripe Tax on: the emulator's rate for the customer's country is added to each line. */
  automaticTax: boolean;
}

/** The draft invoice, not yet stored: `createSubscriptionInvoice` keeps it, a preview does not. */
export function buildSubscriptionInvoice(app: App, input: InvoiceInput): Stripe.Invoice {
  const sub = input.subscription;
  const customerId = idOf(sub.customer) ?? "";
  const id = input.id ?? newId("invoice");
  const created = nowFor(app.store, customerId);
  const discounts = discountLines(
    input.lines.map((line) => ({ amount: line.amount, discountable: !line.proration })),
    activeDiscounts(app, sub, input.discountsAt ?? created),
  );
  const lines = input.lines.map((line, index) => buildLine(line, id, sub.id, discounts.perLine[index] ?? []));
  return assembleInvoice(
    app,
    {
      id,
      customerId,
      subscription: sub,
      reason: input.reason,
      periodStart: input.periodStart,
      periodEnd: input.periodEnd,
      collectionMethod: sub.collection_method,
      daysUntilDue: sub.days_until_due,
      description: null,
      metadata: {},
      autoAdvance: true,
      automaticTax: sub.automatic_tax.enabled,
    },
    lines,
    discounts,
  );
}

/** An invoice around lines already built: totals from them, the customer's details copied. */
export function assembleInvoice(
  app: App,
  shell: InvoiceShell,
  untaxedLines: Stripe.InvoiceLineItem[],
  discounts: InvoiceDiscount = { perLine: [], totals: [], ids: [] },
): Stripe.Invoice {
  const { id, customerId, subscription: sub } = shell;
  const customer = app.store.customers.get(customerId);
  const created = nowFor(app.store, customerId);
  const country = customer?.address?.country ?? null;
  const tax = shell.automaticTax
    ? taxLines(
        app,
        country,
        untaxedLines.map(
          (line) => line.amount - (line.discount_amounts ?? []).reduce((sum, entry) => sum + entry.amount, 0),
        ),
      )
    : null;
  const lines = untaxedLines.map((line, index) => ({ ...line, taxes: tax?.perLine[index] ?? [] }));
  const subtotal = lines.reduce((sum, line) => sum + line.amount, 0);
  const totalExcludingTax = subtotal - discounts.totals.reduce((sum, entry) => sum + entry.amount, 0);
  const total = totalExcludingTax + (tax?.amount ?? 0);
  const due = Math.max(0, total);
  const invoice: Stripe.Invoice = {
    id,
    object: "invoice",
    account_country: "US",
    account_name: "Stripe Emulator",
    account_tax_ids: null,
    amount_due: due,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: due,
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: shell.autoAdvance,
    automatic_tax: shell.automaticTax
      ? {
          disabled_reason: null,
          enabled: true,
          liability: { type: "self" },
          provider: "stripe",
          status: country === null ? "requires_location_inputs" : "complete",
        }
      : { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: null,
    billing_reason: shell.reason,
    collection_method: shell.collectionMethod,
    created,
    currency: sub?.currency ?? lines[0]?.currency ?? "usd",
    custom_fields: null,
    customer: customerId,
    customer_account: null,
    customer_address: customer?.address ?? null,
    customer_email: customer?.email ?? null,
    customer_name: customer?.name ?? null,
    customer_phone: customer?.phone ?? null,
    customer_shipping: null,
    customer_tax_exempt: "none",
    customer_tax_ids: [...app.store.taxIds.values()]
      .filter((taxId) => taxId.customer === customerId)
      .map((taxId) => ({ type: taxId.type, value: taxId.value })),
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: shell.description,
    discounts: discounts.ids,
    due_date:
      shell.collectionMethod === "send_invoice" && shell.daysUntilDue !== null
        ? created + shell.daysUntilDue * 86_400
        : null,
    effective_at: null,
    ending_balance: null,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: "self" },
    last_finalization_error: null,
    latest_revision: null,
    lines: {
      object: "list",
      data: lines,
      has_more: false,
      url: `/v1/invoices/${id}/lines`,
    },
    livemode: false,
    metadata: shell.metadata,
    next_payment_attempt: null,
    number: null,
    on_behalf_of: null,
    parent:
      sub === null
        ? null
        : {
            type: "subscription_details",
            quote_details: null,
            subscription_details: { metadata: sub.metadata, subscription: sub.id },
          },
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    period_end: shell.periodEnd,
    period_start: shell.periodStart,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: "draft",
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subtotal,
    subtotal_excluding_tax: subtotal,
    test_clock: idOf(customer?.test_clock),
    total,
    total_discount_amounts: discounts.totals,
    total_excluding_tax: totalExcludingTax,
    total_pretax_credit_amounts: [],
    total_taxes: tax?.totals ?? [],
    webhooks_delivered_at: created,
  };
  return invoice;
}

export function createSubscriptionInvoice(app: App, input: InvoiceInput): Stripe.Invoice {
  const invoice = buildSubscriptionInvoice(app, input);
  app.store.invoices.set(invoice.id, invoice);
  app.events.emit("invoice.created", invoice);
  spendDiscounts(app, app.store.subscriptions.get(input.subscription.id) ?? input.subscription, invoice);
  return invoice;
}
