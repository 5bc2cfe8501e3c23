// Runs what the passage of time triggers, in chronological order: trial reminders, renewals,
// scheduled cancellations, payment retries and the expiry of incomplete subscriptions.
import type Stripe from "stripe";
import type { App } from "../app.ts";
import { idOf } from "../resources/lookup.ts";
import { DAY } from "../time.ts";
import { attemptPayment } from "./invoicing.ts";
import {
  cancelSubscriptionNow,
  renewSubscription,
  settleAfterPayment,
  updateSubscription,
} from "./subscription-lifecycle.ts";
import { periodEnd } from "./subscription-items.ts";

type Due =
  | { at: number; rank: 0; kind: "trial_will_end"; sub: Stripe.Subscription }
  | { at: number; rank: 1; kind: "retry"; invoice: Stripe.Invoice }
  | { at: number; rank: 2; kind: "cancel"; sub: Stripe.Subscription }
  | { at: number; rank: 3; kind: "renew"; sub: Stripe.Subscription }
  | { at: number; rank: 4; kind: "expire"; sub: Stripe.Subscription };

const INCOMPLETE_LIFETIME = 23 * 60 * 60;
const RENEWING = new Set<string>(["active", "past_due", "trialing", "unpaid"]);

function candidates(app: App, inScope: (customerId: string) => boolean): Due[] {
  const due: Due[] = [];
  for (const sub of app.store.subscriptions.values()) {
    if (!inScope(idOf(sub.customer) ?? "")) continue;
    const end = periodEnd(sub);
    if (
      sub.status === "trialing" &&
      sub.trial_end !== null &&
      sub.trial_start !== null &&
      !app.store.trialWillEndSent.has(sub.id)
    ) {
      const reminder = sub.trial_end - 3 * DAY;
      if (reminder > sub.trial_start) due.push({ at: reminder, rank: 0, kind: "trial_will_end", sub });
    }
    if (sub.status === "incomplete") due.push({ at: sub.created + INCOMPLETE_LIFETIME, rank: 4, kind: "expire", sub });
    if (!RENEWING.has(sub.status)) continue;
    if (sub.cancel_at !== null && sub.cancel_at <= end) due.push({ at: sub.cancel_at, rank: 2, kind: "cancel", sub });
    else due.push({ at: end, rank: 3, kind: "renew", sub });
  }
  for (const invoice of app.store.invoices.values()) {
    if (invoice.status !== "open" || invoice.next_payment_attempt === null) continue;
    if (!inScope(idOf(invoice.customer) ?? "")) continue;
    due.push({ at: invoice.next_payment_attempt, rank: 1, kind: "retry", invoice });
  }
  return due;
}

function nextDue(app: App, inScope: (customerId: string) => boolean, target: number): Due | undefined {
  let best: Due | undefined;
  for (const due of candidates(app, inScope)) {
    if (due.at > target) continue;
    if (best === undefined || due.at < best.at || (due.at === best.at && due.rank < best.rank)) best = due;
  }
  return best;
}

function retry(app: App, invoice: Stripe.Invoice): void {
  const subId = idOf(invoice.parent?.subscription_details?.subscription);
  const result = attemptPayment(app, invoice, { onSession: false, scheduleRetries: true });
  if (subId === null) return;
  const sub = settleAfterPayment(app, subId, result);
  if (sub === undefined || result.kind !== "failed" || result.invoice.next_payment_attempt !== null) return;
  // Every retry failed: Stripe applies the account's "after all retries fail" setting.
  if (app.settings.failedPaymentAction === "cancel") cancelSubscriptionNow(app, sub, "payment_failed");
  else updateSubscription(app, sub, { ...sub, status: "unpaid" });
}

function perform(app: App, due: Due): void {
  switch (due.kind) {
    case "trial_will_end":
      app.store.trialWillEndSent.add(due.sub.id);
      app.events.emit("customer.subscription.trial_will_end", due.sub);
      return;
    case "retry":
      retry(app, due.invoice);
      return;
    case "cancel":
      cancelSubscriptionNow(app, due.sub, due.sub.cancellation_details?.reason ?? "cancellation_requested");
      return;
    case "renew":
      renewSubscription(app, due.sub);
      return;
    case "expire": {
      const expired = updateSubscription(app, due.sub, { ...due.sub, status: "incomplete_expired", ended_at: due.at });
      const invoiceId = idOf(expired.latest_invoice);
      const invoice = invoiceId === null ? undefined : app.store.invoices.get(invoiceId);
      if (invoice?.status === "open") {
        const voided: Stripe.Invoice = {
          ...invoice,
          status: "void",
          amount_remaining: 0,
          status_transitions: { ...invoice.status_transitions, voided_at: due.at },
        };
        app.store.invoices.set(voided.id, voided);
        app.events.emit("invoice.voided", voided);
      }
      return;
    }
  }
}

/**
 * Runs everything due up to `target` for the customers in scope. `setTime` moves the scope's clock
 * to each step first, so objects and events carry the simulated time. Returns the steps run.
 */
export function runUntil(
  app: App,
  inScope: (customerId: string) => boolean,
  target: number,
  setTime: (at: number) => void,
): number {
  let steps = 0;
  for (let due = nextDue(app, inScope, target); due !== undefined; due = nextDue(app, inScope, target)) {
    setTime(due.at);
    perform(app, due);
    steps += 1;
    if (steps > 10_000) throw new Error("time engine did not converge");
  }
  return steps;
}
