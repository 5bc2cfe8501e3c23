// In-app alerts and emails that follow invoices and trials. They are written in the sync
// job's transaction that marks their event applied, from invoices read before it began; each
// carries a dedupe key as well, so a replayed event adds nothing.
import type { Tx } from "@saas/db";
import { formatDay as day, formatMoney as money } from "@saas/mail";
import type Stripe from "stripe";
import { callStripe } from "../errors.ts";
import { emailPaymentFailed, emailPaymentRecovered, emailTrialEnding } from "../notifications/billing-emails.ts";
import { NOTIFICATION_KINDS, notifyManagers } from "../notifications/notifications.ts";

const NEEDS_INVOICE = new Set(["invoice.payment_failed", "invoice.payment_action_required"]);

/**
 * Stripe's current view of the invoices these events warn about (the payloads may be
 * older copies), read before the transaction that applies them: one read per invoice.
 */
export async function readDunningInvoices(
  stripe: Stripe,
  events: Stripe.Event[],
): Promise<Map<string, Stripe.Invoice>> {
  const ids = new Set(events.filter((e) => NEEDS_INVOICE.has(e.type)).map((e) => objectIdOf(e)));
  const invoices = new Map<string, Stripe.Invoice>();
  for (const id of ids) invoices.set(id, await callStripe(() => stripe.invoices.retrieve(id)));
  return invoices;
}

function objectIdOf(event: Stripe.Event): string {
  return (event.data.object as { id?: string }).id ?? "";
}

export async function applyDunning(
  tx: Tx,
  event: Stripe.Event,
  organizationId: string,
  invoices: ReadonlyMap<string, Stripe.Invoice>,
): Promise<void> {
  const object = event.data.object as { id?: string; object?: string };
  const invoiceOf = (): Stripe.Invoice => {
    const invoice = invoices.get(objectIdOf(event));
    if (!invoice) throw new Error(`invoice ${objectIdOf(event)} was not read before applying ${event.id}`);
    return invoice;
  };
  switch (event.type) {
    case "invoice.payment_failed": {
      const invoice = invoiceOf();
      // Reordered delivery: the invoice was paid after this failure, so there is nothing to warn about.
      if (invoice.status === "paid" || invoice.status === "void") return;
      const amount = money(invoice.amount_due, invoice.currency);
      const retry = invoice.next_payment_attempt ? ` We'll try again on ${day(invoice.next_payment_attempt)}.` : "";
      await notifyManagers(tx, organizationId, {
        kind: NOTIFICATION_KINDS.paymentFailed,
        title: "Payment failed",
        body: `We couldn't charge ${amount} for your subscription.${retry} Update your payment method to keep access.`,
        actionUrl: invoice.hosted_invoice_url ?? null,
        dedupeKey: `invoice:${invoice.id}:attempt:${invoice.attempt_count}`,
      });
      await emailPaymentFailed(tx, organizationId, invoice);
      return;
    }
    case "invoice.payment_action_required": {
      const invoice = invoiceOf();
      await notifyManagers(tx, organizationId, {
        kind: NOTIFICATION_KINDS.paymentActionRequired,
        title: "Confirm your payment",
        body: `Your bank asks you to confirm the payment of ${money(invoice.amount_due, invoice.currency)}.`,
        actionUrl: invoice.hosted_invoice_url ?? null,
        dedupeKey: `invoice:${invoice.id}:action_required`,
      });
      return;
    }
    case "invoice.paid":
    case "invoice.payment_succeeded": {
      const open = await tx.notification.updateMany({
        where: {
          organizationId,
          kind: { in: [NOTIFICATION_KINDS.paymentFailed, NOTIFICATION_KINDS.paymentActionRequired] },
          resolvedAt: null,
          // Only this invoice's alerts: a late paid event for an older invoice says nothing about a newer failure.
          dedupeKey: { startsWith: `invoice:${object.id ?? ""}:` },
        },
        data: { resolvedAt: new Date() },
      });
      if (!open.count) return;
      await notifyManagers(tx, organizationId, {
        kind: NOTIFICATION_KINDS.paymentRecovered,
        title: "Payment received",
        body: "Thanks! Your payment went through and your subscription is active again.",
        actionUrl: null,
        dedupeKey: `invoice:${object.id ?? event.id}:recovered`,
      });
      if (object.id) await emailPaymentRecovered(tx, organizationId, object.id);
      return;
    }
    case "customer.subscription.trial_will_end": {
      const subscription = event.data.object;
      const ends = subscription.trial_end ? ` on ${day(subscription.trial_end)}` : " soon";
      await notifyManagers(tx, organizationId, {
        kind: NOTIFICATION_KINDS.trialWillEnd,
        title: "Your trial ends soon",
        body: `Your free trial ends${ends}. Your card will be charged then unless you cancel.`,
        actionUrl: null,
        dedupeKey: `subscription:${subscription.id}:trial_will_end:${subscription.trial_end ?? ""}`,
      });
      await emailTrialEnding(tx, organizationId, subscription);
      return;
    }
  }
}
