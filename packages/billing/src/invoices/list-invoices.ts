// Settings → Billing's invoices: the organization's recent invoices as Stripe has them, with
// the links to Stripe's hosted invoice page and PDF, and the next one (Stripe's preview of
// it). Read from Stripe when asked (the page asks after it has rendered), never stored:
// Stripe is the truth for invoices.
import type Stripe from "stripe";
import type { BillingDeps } from "../deps.ts";
import { currentSubscription } from "../entitlements/get-entitlement.ts";
import { callStripe } from "../errors.ts";
import { BILLED_STATUSES } from "../seats/seat-sync.ts";
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
  /** What discounts took off the subtotal (0 for none). */
  discount: number;
  /** The tax included in `total` (0 for none). */
  tax: number;
  currency: string;
  status: string;
  hostedInvoiceUrl: string | null;
  invoicePdf: string | null;
};

/** The invoice Stripe will make next for the live subscription, as it stands today. */
export type UpcomingInvoice = {
  /** What will be charged, in the smallest currency unit. */
  amountDue: number;
  /** What the subscription's discount takes off it (0 for none). */
  discount: number;
  currency: string;
  /** When Stripe will make and charge it, as ISO 8601. */
  date: string;
};

/** How many invoices the history shows: a year of monthly ones. */
const HISTORY_LENGTH = 12;

export async function listInvoices(
  { db, stripe }: Pick<BillingDeps, "db" | "stripe">,
  organizationId: string,
): Promise<{ invoices: InvoiceSummary[]; upcoming: UpcomingInvoice | null }> {
  const account = await db.account.findUnique({
    where: { organizationId },
    select: {
      stripeCustomerId: true,
      subscriptions: {
        select: { stripeSubscriptionId: true, status: true, currentPeriodEnd: true, cancelAtPeriodEnd: true },
      },
    },
  });
  const customer = account?.stripeCustomerId;
  if (!customer) return { invoices: [], upcoming: null };
  const live = currentSubscription(account.subscriptions);
  // A subscription that ends at its period's end has no next invoice.
  const renewing = live && BILLED_STATUSES.includes(live.status) && !live.cancelAtPeriodEnd ? live : null;
  const [invoices, upcoming] = await Promise.all([
    callStripe(() => stripe.invoices.list({ customer, limit: HISTORY_LENGTH }, USER_FACING_REQUEST)),
    renewing ? upcomingInvoice(stripe, customer, renewing.stripeSubscriptionId) : null,
  ]);
  return {
    invoices: invoices.data
      .filter((invoice) => invoice.status !== "draft")
      .map((invoice) => ({
        id: invoice.id ?? "",
        number: invoice.number,
        created: new Date(invoice.created * 1000).toISOString(),
        total: invoice.total,
        amountDue: invoice.amount_remaining,
        discount: discountOf(invoice),
        tax: (invoice.total_taxes ?? []).reduce((sum, entry) => sum + entry.amount, 0),
        currency: invoice.currency,
        status: invoice.status ?? "draft",
        hostedInvoiceUrl: invoice.hosted_invoice_url ?? null,
        invoicePdf: invoice.invoice_pdf ?? null,
      })),
    upcoming,
  };
}

const discountOf = (invoice: Stripe.Invoice) =>
  (invoice.total_discount_amounts ?? []).reduce((sum, entry) => sum + entry.amount, 0);

async function upcomingInvoice(
  stripe: Stripe,
  customer: string,
  subscription: string,
): Promise<UpcomingInvoice | null> {
  try {
    const preview = await callStripe(() =>
      stripe.invoices.createPreview({ customer, subscription }, USER_FACING_REQUEST),
    );
    const at = preview.next_payment_attempt ?? preview.period_end;
    return {
      amountDue: preview.amount_due,
      discount: discountOf(preview),
      currency: preview.currency,
      date: new Date(at * 1000).toISOString(),
    };
  } catch (error) {
    // Stripe's answer when nothing is coming (the subscription ends, say): not an outage.
    if (error instanceof Error && "code" in error && error.code === "invoice_upcoming_none") return null;
    throw error;
  }
}
