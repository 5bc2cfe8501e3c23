// Subscription invoices after the draft: finalized → charged with the test card → paid or failed.
import type Stripe from "stripe";
import type { App } from "../app.ts";
import type { CardDecline } from "../http/errors.ts";
import { commitUpdate } from "../events/commit-update.ts";
import { idOf } from "../resources/lookup.ts";
import { nowFor } from "../time.ts";
import { chargeOutcome } from "./cards.ts";

export { buildSubscriptionInvoice, createSubscriptionInvoice, type LineInput } from "./invoice-factory.ts";

/**
 * The customer's balance at finalizing: a credit (negative) pays what it can of the invoice, and
 * what a negative invoice leaves over becomes credit (Stripe's `starting_balance` and
 * `ending_balance`); null when neither applies.
 */
/** What a balance does to an invoice of `total`: null when it does nothing (no credit, nothing negative). */
export function balanceApplied(balance: number, total: number) {
  if (balance === 0 && total >= 0) return null;
  const after = balance + total;
  return { starting: balance, ending: after >= 0 ? 0 : after, due: Math.max(0, after) };
}

function applyBalance(app: App, draft: Stripe.Invoice, customer: Stripe.Customer | undefined) {
  const applied = customer === undefined ? null : balanceApplied(customer.balance, draft.total);
  if (customer === undefined || applied === null) return null;
  const updated = commitUpdate(app, "customer.updated", app.store.customers, customer, {
    ...customer,
    balance: applied.ending,
  });
  return { ...applied, customer: updated };
}

export function finalizeInvoice(app: App, draft: Stripe.Invoice): Stripe.Invoice {
  const customerId = idOf(draft.customer) ?? "";
  const customer = app.store.customers.get(customerId);
  const now = nowFor(app.store, customerId);
  const sequence = customer?.next_invoice_sequence ?? 1;
  const balance = applyBalance(app, draft, customer);
  const current = balance?.customer ?? customer;
  if (current !== undefined) {
    app.store.customers.set(current.id, { ...current, next_invoice_sequence: sequence + 1 });
  }
  const invoice: Stripe.Invoice = {
    ...draft,
    ...(balance === null
      ? {}
      : {
          starting_balance: balance.starting,
          ending_balance: balance.ending,
          amount_due: balance.due,
          amount_remaining: balance.due,
        }),
    status: "open",
    number: `${customer?.invoice_prefix ?? "EMU"}-${String(sequence).padStart(4, "0")}`,
    effective_at: now,
    hosted_invoice_url: `${app.baseUrl}/i/${draft.id}`,
    invoice_pdf: `${app.baseUrl}/i/${draft.id}/pdf`,
    status_transitions: { ...draft.status_transitions, finalized_at: now },
  };
  app.store.invoices.set(invoice.id, invoice);
  app.events.emit("invoice.finalized", invoice);
  return invoice;
}

export type PaymentResult =
  | { kind: "paid"; invoice: Stripe.Invoice }
  | { kind: "failed"; invoice: Stripe.Invoice; decline: CardDecline }
  | { kind: "requires_action"; invoice: Stripe.Invoice };

/** The card the customer's invoices are charged with: their default payment method, else the legacy source. */
export function customerDefaultCard(customer: Stripe.Customer | undefined): string | null {
  return idOf(customer?.invoice_settings.default_payment_method) ?? idOf(customer?.default_source);
}

/** Invoice's, else subscription's, else the customer's default payment method. */
function paymentMethodFor(app: App, invoice: Stripe.Invoice): string | null {
  const fromInvoice = idOf(invoice.default_payment_method);
  if (fromInvoice !== null) return fromInvoice;
  const subId = idOf(invoice.parent?.subscription_details?.subscription);
  const sub = subId === null ? undefined : app.store.subscriptions.get(subId);
  const fromSub = idOf(sub?.default_payment_method);
  if (fromSub !== null) return fromSub;
  return customerDefaultCard(app.store.customers.get(idOf(invoice.customer) ?? ""));
}

function markPaid(app: App, invoice: Stripe.Invoice, now: number): Stripe.Invoice {
  const paid: Stripe.Invoice = {
    ...invoice,
    status: "paid",
    amount_paid: invoice.amount_due,
    amount_remaining: 0,
    next_payment_attempt: null,
    status_transitions: { ...invoice.status_transitions, paid_at: now },
  };
  app.store.invoices.set(paid.id, paid);
  app.store.dunning.delete(paid.id);
  app.events.emit("invoice.paid", paid);
  app.events.emit("invoice.payment_succeeded", paid);
  return paid;
}

const NO_PAYMENT_METHOD: CardDecline = {
  code: "invoice_no_payment_method",
  message: "This customer has no attached payment source or default payment method.",
};

/** Charges an open invoice. `onSession` means the customer is present (3-D Secure can be asked). */
export function attemptPayment(
  app: App,
  open: Stripe.Invoice,
  options: { onSession: boolean; paymentMethodId?: string; scheduleRetries: boolean; authenticated?: boolean },
): PaymentResult {
  const now = nowFor(app.store, idOf(open.customer));
  if (open.amount_due === 0) return { kind: "paid", invoice: markPaid(app, open, now) };
  const pmId = options.paymentMethodId ?? paymentMethodFor(app, open);
  const outcome =
    pmId === null
      ? { kind: "declined" as const, decline: NO_PAYMENT_METHOD }
      : chargeOutcome(app.store.cardNumbers.get(pmId), options.onSession, options.authenticated === true);
  const attempted: Stripe.Invoice = { ...open, attempted: true, attempt_count: open.attempt_count + 1 };
  if (outcome.kind === "succeeded") return { kind: "paid", invoice: markPaid(app, attempted, now) };
  if (outcome.kind === "requires_action") {
    app.store.invoices.set(attempted.id, attempted);
    app.events.emit("invoice.payment_action_required", attempted);
    return { kind: "requires_action", invoice: attempted };
  }
  // A manual `pay` that fails leaves the automatic retry schedule where it was.
  const nextAttempt = options.scheduleRetries ? nextRetry(app, attempted.id, now) : open.next_payment_attempt;
  const failed: Stripe.Invoice = { ...attempted, next_payment_attempt: nextAttempt };
  app.store.invoices.set(failed.id, failed);
  app.events.emit("invoice.payment_failed", failed);
  return { kind: "failed", invoice: failed, decline: outcome.decline };
}

/** Retries run `retryDays` after the first failure; null once they are used up (then the final action). */
function nextRetry(app: App, invoiceId: string, now: number): number | null {
  const state = app.store.dunning.get(invoiceId) ?? { firstFailureAt: now, retriesDone: -1 };
  const next = { firstFailureAt: state.firstFailureAt, retriesDone: state.retriesDone + 1 };
  app.store.dunning.set(invoiceId, next);
  const days = app.settings.retryDays[next.retriesDone];
  return days === undefined ? null : state.firstFailureAt + days * 86_400;
}
