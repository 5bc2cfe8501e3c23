// Settings → Billing's invoice history: the organization's recent invoices as Stripe has
// them, with the links to Stripe's hosted invoice page and PDF. Read from Stripe when asked
// (the page asks after it has rendered), never stored: Stripe is the truth for invoices.
import type { BillingDeps } from "../deps.ts";
import { callStripe } from "../errors.ts";
import { USER_FACING_REQUEST } from "../stripe-client.ts";

export type InvoiceSummary = {
  id: string;
  /** Stripe's invoice number; null for a draft, which has none yet. */
  number: string | null;
  /** When Stripe made it, as ISO 8601. */
  created: string;
  /** In the smallest currency unit: what the invoice is for, and what is left to pay. */
  total: number;
  amountDue: number;
  currency: string;
  status: string;
  hostedInvoiceUrl: string | null;
  invoicePdf: string | null;
};

/** How many invoices the history shows: a year of monthly ones. */
const HISTORY_LENGTH = 12;

export async function listInvoices(
  { db, stripe }: Pick<BillingDeps, "db" | "stripe">,
  organizationId: string,
): Promise<InvoiceSummary[]> {
  const account = await db.account.findUnique({ where: { organizationId }, select: { stripeCustomerId: true } });
  const customer = account?.stripeCustomerId;
  if (!customer) return [];
  const invoices = await callStripe(() =>
    stripe.invoices.list({ customer, limit: HISTORY_LENGTH }, USER_FACING_REQUEST),
  );
  return invoices.data
    .filter((invoice) => invoice.status !== "draft")
    .map((invoice) => ({
      id: invoice.id ?? "",
      number: invoice.number,
      created: new Date(invoice.created * 1000).toISOString(),
      total: invoice.total,
      amountDue: invoice.amount_remaining,
      currency: invoice.currency,
      status: invoice.status ?? "draft",
      hostedInvoiceUrl: invoice.hosted_invoice_url ?? null,
      invoicePdf: invoice.invoice_pdf ?? null,
    }));
}
