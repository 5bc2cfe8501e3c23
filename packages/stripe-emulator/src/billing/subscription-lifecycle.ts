// Subscription state changes shared by the API, Checkout and the clock: create, charge, renew, cancel.
import Stripe from "stripe";
import type { App } from "../app.ts";
import { commitUpdate } from "../events/commit-update.ts";
import { cardError, invalidRequest } from "../http/errors.ts";
import { newId } from "../ids.ts";
import { idOf } from "../resources/lookup.ts";
import { addInterval, anchorDayOf, clockIdOf, DAY, nowFor } from "../time.ts";
import { chargeOutcome } from "./cards.ts";
import { discountLines, netOfDiscounts, redeemDiscount, type DiscountRequest } from "./discounts.ts";
import {
  attemptPayment,
  customerDefaultCard,
  createSubscriptionInvoice,
  finalizeInvoice,
  type LineInput,
  type PaymentResult,
} from "./invoicing.ts";
import { buildSubscription, preallocatedInvoiceId } from "./subscription-factory.ts";
import { periodEnd, primaryPrice, withPeriod, type ItemInput } from "./subscription-items.ts";

type PaymentBehavior = "allow_incomplete" | "default_incomplete" | "error_if_incomplete" | "pending_if_incomplete";

export interface CreateSubscriptionInput {
  customerId: string;
  items: ItemInput[];
  defaultPaymentMethod: string | null;
  trialEnd: number | null;
  metadata: Record<string, string>;
  description: string | null;
  cancelAt: number | null;
  cancelAtPeriodEnd: boolean;
  paymentBehavior: PaymentBehavior;
  /** False once the customer already passed 3-D Secure (Checkout), so no further action is asked. */
  onSession?: boolean;
  /** The customer has just passed 3-D Secure for this payment (Checkout's challenge). */
  authenticated?: boolean;
  /** Coupons to redeem onto the new subscription (`discounts`, or a code typed in Checkout). */
  discounts?: DiscountRequest[];
  /** Stripe Tax on the subscription's invoices. */
  automaticTax?: boolean;
  /** `trial_settings.end_behavior.missing_payment_method`. */
  missingPaymentMethod?: Stripe.Subscription.TrialSettings.EndBehavior.MissingPaymentMethod;
}

export function describeLine(app: App, price: Stripe.Price, quantity: number): string {
  const product = app.store.products.get(typeof price.product === "string" ? price.product : price.product.id);
  const amount = ((price.unit_amount ?? 0) / 100).toFixed(2);
  const interval = price.recurring === null ? "" : ` / ${price.recurring.interval}`;
  return `${quantity} × ${product?.name ?? price.id} (at $${amount}${interval})`;
}

export function cycleLines(
  app: App,
  sub: Stripe.Subscription,
  start: number,
  end: number,
  trial: boolean,
): LineInput[] {
  return sub.items.data.map((item) => {
    const quantity = item.quantity ?? 1;
    const product = app.store.products.get(
      typeof item.price.product === "string" ? item.price.product : item.price.product.id,
    );
    return {
      description: trial
        ? `Trial period for ${product?.name ?? item.price.id}`
        : describeLine(app, item.price, quantity),
      amount: trial ? 0 : (item.price.unit_amount ?? 0) * quantity,
      quantity,
      price: item.price,
      subscriptionItemId: item.id,
      periodStart: start,
      periodEnd: end,
      proration: false,
    };
  });
}

export function updateSubscription(
  app: App,
  before: Stripe.Subscription,
  after: Stripe.Subscription,
): Stripe.Subscription {
  return commitUpdate(app, "customer.subscription.updated", app.store.subscriptions, before, after);
}

/** Moves the subscription's status after an invoice payment attempt. */
export function settleAfterPayment(app: App, subId: string, result: PaymentResult): Stripe.Subscription | undefined {
  const sub = app.store.subscriptions.get(subId);
  if (sub === undefined) return undefined;
  if (result.kind === "paid" && ["incomplete", "past_due", "unpaid"].includes(sub.status)) {
    return updateSubscription(app, sub, { ...sub, status: "active" });
  }
  // A renewal the bank wants confirmed is unpaid until it is: past due, as a failure is.
  if (
    (result.kind === "failed" || result.kind === "requires_action") &&
    (sub.status === "active" || sub.status === "trialing")
  ) {
    return updateSubscription(app, sub, { ...sub, status: "past_due" });
  }
  return sub;
}

export function createSubscription(
  app: App,
  input: CreateSubscriptionInput,
): { subscription: Stripe.Subscription; result: PaymentResult | null } {
  const now = nowFor(app.store, input.customerId);
  const first = input.items[0];
  if (first === undefined) throw invalidRequest("Missing required param: items.", "items", "parameter_missing");
  const customer = app.store.customers.get(input.customerId);
  const pmId = input.defaultPaymentMethod ?? customerDefaultCard(customer);
  const subtotal = input.items.reduce((sum, item) => sum + (item.price.unit_amount ?? 0) * item.quantity, 0);
  const amount = subtotal - discountedAmount(input.discounts ?? [], subtotal);
  const charges = input.trialEnd === null && amount > 0 && input.paymentBehavior !== "default_incomplete";
  if (charges && pmId === null) {
    throw invalidRequest(
      "This customer has no attached payment source or default payment method. " +
        "Please consider adding a default payment method.",
    );
  }
  if (charges && input.paymentBehavior === "error_if_incomplete") {
    const outcome = chargeOutcome(app.store.cardNumbers.get(pmId ?? ""), input.onSession ?? true);
    if (outcome.kind === "declined") throw cardError(outcome.decline);
  }
  const recurring = first.price.recurring;
  const end = input.trialEnd ?? addInterval(now, recurring?.interval ?? "month", recurring?.interval_count ?? 1);
  const invoiceId = preallocatedInvoiceId();
  const built = buildSubscription({
    ...input,
    now,
    periodEnd: end,
    testClock: clockIdOf(app.store, input.customerId),
    latestInvoice: invoiceId,
  });
  const discounts = (input.discounts ?? []).map(
    (request) => redeemDiscount(app, request, { customerId: input.customerId, subscriptionId: built.id }).id,
  );
  const sub: Stripe.Subscription = {
    ...built,
    discounts,
    automatic_tax: input.automaticTax
      ? { disabled_reason: null, enabled: true, liability: { type: "self" } }
      : built.automatic_tax,
    trial_settings: {
      end_behavior: {
        billing_cycle_anchor: null,
        missing_payment_method: input.missingPaymentMethod ?? "create_invoice",
      },
    },
  };
  app.store.subscriptions.set(sub.id, sub);
  app.events.emit("customer.subscription.created", sub);
  remindTrialEnd(app, sub, now);
  const trial = input.trialEnd !== null;
  const draft = createSubscriptionInvoice(app, {
    id: invoiceId,
    subscription: sub,
    reason: "subscription_create",
    lines: cycleLines(app, sub, now, end, trial),
    periodStart: now,
    periodEnd: now,
  });
  const open = finalizeInvoice(app, draft);
  if (!trial && input.paymentBehavior === "default_incomplete" && open.amount_due > 0) {
    // As stored: the first invoice may have spent a `once` discount.
    return { subscription: app.store.subscriptions.get(sub.id) ?? sub, result: null };
  }
  const result = attemptPayment(app, open, {
    onSession: input.onSession ?? true,
    authenticated: input.authenticated === true,
    scheduleRetries: false,
  });
  const settled = settleAfterPayment(app, sub.id, result) ?? sub;
  return { subscription: settled, result };
}

/** What the coupons take off a first invoice of `subtotal`, before they are redeemed. */
function discountedAmount(requests: DiscountRequest[], subtotal: number): number {
  const pending = requests.map(({ coupon }) => ({ id: coupon.id, coupon }));
  return discountLines([{ amount: subtotal, discountable: true }], pending).totals.reduce(
    (sum, entry) => sum + entry.amount,
    0,
  );
}

/**
 * Stripe's reminder three days before a trial ends, sent at once when the trial is shorter
 * than that, or ended now (`trial_end=now`); the clock sends the others.
 */
export function remindTrialEnd(app: App, sub: Stripe.Subscription, now: number, endedNow = false): void {
  if (sub.status !== "trialing" || sub.trial_end === null) return;
  if (!endedNow && (app.store.trialWillEndSent.has(sub.id) || sub.trial_end - 3 * DAY > now)) return;
  app.store.trialWillEndSent.add(sub.id);
  app.events.emit("customer.subscription.trial_will_end", sub);
}

/**
 * `prorate` on a cancel: the unused time of the period as a credit (net of a percent-off
 * discount). With `invoice_now` it is invoiced at once, a negative invoice whose amount becomes
 * the customer's credit balance, which the next invoices use; without, it waits as a pending
 * invoice item. Nothing for a trial (nothing was paid for its time).
 */
export function creditUnusedTime(app: App, sub: Stripe.Subscription, invoiceNow: boolean): void {
  if (sub.status === "trialing") return;
  const now = nowFor(app.store, idOf(sub.customer));
  const lines: LineInput[] = sub.items.data.flatMap((item) => {
    const { current_period_start: start, current_period_end: end } = item;
    const unused = end > start ? Math.max(0, end - now) / (end - start) : 0;
    const full = (item.price.unit_amount ?? 0) * (item.quantity ?? 1);
    const amount = -netOfDiscounts(app, sub, Math.round(full * unused), now);
    if (amount === 0) return [];
    return [
      {
        description: `Unused time on ${describeLine(app, item.price, item.quantity ?? 1)}`,
        amount,
        quantity: item.quantity ?? 1,
        price: item.price,
        subscriptionItemId: item.id,
        periodStart: now,
        periodEnd: end,
        proration: true,
      },
    ];
  });
  if (lines.length === 0) return;
  if (!invoiceNow) {
    // Pending invoice items of the customer's: the next invoice made for them takes them.
    for (const line of lines) {
      const item: Stripe.InvoiceItem = {
        id: newId("invoiceItem"),
        object: "invoiceitem",
        amount: line.amount,
        currency: line.price.currency,
        customer: idOf(sub.customer) ?? "",
        customer_account: null,
        date: now,
        description: line.description,
        discountable: false,
        discounts: [],
        invoice: null,
        livemode: false,
        metadata: {},
        parent: null,
        period: { start: line.periodStart, end: line.periodEnd },
        pricing: null,
        proration: true,
        quantity: line.quantity,
        quantity_decimal: Stripe.Decimal.from(line.quantity),
        tax_rates: [],
        test_clock: sub.test_clock === null ? null : idOf(sub.test_clock),
      };
      app.store.invoiceItems.set(item.id, item);
      app.events.emit("invoiceitem.created", item);
    }
    return;
  }
  const draft = createSubscriptionInvoice(app, {
    subscription: sub,
    reason: "subscription_update",
    lines,
    periodStart: now,
    periodEnd: now,
  });
  attemptPayment(app, finalizeInvoice(app, draft), { onSession: false, scheduleRetries: false });
}

export function cancelSubscriptionNow(
  app: App,
  sub: Stripe.Subscription,
  reason: Stripe.Subscription.CancellationDetails.Reason,
  details: { comment?: string | null; feedback?: Stripe.Subscription.CancellationDetails.Feedback | null } = {},
): Stripe.Subscription {
  const now = nowFor(app.store, idOf(sub.customer));
  const canceled: Stripe.Subscription = {
    ...sub,
    status: "canceled",
    canceled_at: sub.canceled_at ?? now,
    ended_at: now,
    cancellation_details: {
      comment: details.comment ?? sub.cancellation_details?.comment ?? null,
      feedback: details.feedback ?? sub.cancellation_details?.feedback ?? null,
      feedback_option: null,
      reason,
    },
  };
  app.store.subscriptions.set(canceled.id, canceled);
  app.store.pendingProrations.delete(canceled.id);
  for (const invoice of app.store.invoices.values()) {
    if (idOf(invoice.parent?.subscription_details?.subscription) !== sub.id || invoice.next_payment_attempt === null)
      continue;
    app.store.invoices.set(invoice.id, { ...invoice, next_payment_attempt: null });
    app.store.dunning.delete(invoice.id);
  }
  app.events.emit("customer.subscription.deleted", canceled);
  return canceled;
}

/** The period end has come: start the next period, invoice it and charge it off-session. */
/** The period after the current one: it starts when this one ends, on the cycle's anchor day. */
export function nextPeriod(sub: Stripe.Subscription): { previousStart: number; start: number; end: number } {
  const start = periodEnd(sub);
  const recurring = primaryPrice(sub).recurring;
  const end = addInterval(
    start,
    recurring?.interval ?? "month",
    recurring?.interval_count ?? 1,
    anchorDayOf(sub.billing_cycle_anchor),
  );
  return { previousStart: Math.min(...sub.items.data.map((item) => item.current_period_start)), start, end };
}

/** The prorations waiting for the subscription's next invoice, as its lines. */
export function pendingProrationLines(app: App, subId: string): LineInput[] {
  return (app.store.pendingProrations.get(subId) ?? []).flatMap((proration) => {
    const price = app.store.prices.get(proration.priceId);
    if (price === undefined) return [];
    return [
      {
        description: proration.description,
        amount: proration.amount,
        quantity: 1,
        price,
        subscriptionItemId: proration.subscriptionItemId,
        periodStart: proration.periodStart,
        periodEnd: proration.periodEnd,
        proration: true,
      },
    ];
  });
}

/** The card a renewal would charge: the subscription's, else the customer's default. */
function chargeablePaymentMethod(app: App, sub: Stripe.Subscription): string | null {
  return idOf(sub.default_payment_method) ?? customerDefaultCard(app.store.customers.get(idOf(sub.customer) ?? ""));
}

/**
 * A trial ends with no card to charge: `trial_settings.end_behavior.missing_payment_method`
 * pauses the subscription (`customer.subscription.paused`) or cancels it; `create_invoice` (the
 * default) bills as usual, and the invoice fails.
 */
function endTrialWithoutCard(app: App, sub: Stripe.Subscription): Stripe.Subscription | null {
  // The stored version: a card given in the same update that ends the trial counts.
  const stored = app.store.subscriptions.get(sub.id) ?? sub;
  if (sub.status !== "trialing" || chargeablePaymentMethod(app, stored) !== null) return null;
  const behavior = sub.trial_settings?.end_behavior.missing_payment_method ?? "create_invoice";
  if (behavior === "cancel") return cancelSubscriptionNow(app, sub, "cancellation_requested");
  if (behavior !== "pause") return null;
  const paused = updateSubscription(app, sub, { ...sub, status: "paused" });
  app.events.emit("customer.subscription.paused", paused);
  return paused;
}

/** `POST /v1/subscriptions/:id/resume`: a paused subscription starts a new period now and is billed for it. */
export function resumeSubscription(app: App, sub: Stripe.Subscription): Stripe.Subscription {
  if (sub.status !== "paused") {
    throw invalidRequest("You can only resume subscriptions with a status of `paused`.", "subscription");
  }
  const now = nowFor(app.store, idOf(sub.customer));
  const recurring = primaryPrice(sub).recurring;
  const end = addInterval(now, recurring?.interval ?? "month", recurring?.interval_count ?? 1);
  const invoiceId = preallocatedInvoiceId();
  const resumed = updateSubscription(app, sub, {
    ...withPeriod(sub, now, end),
    status: "active",
    billing_cycle_anchor: now,
    latest_invoice: invoiceId,
  });
  app.events.emit("customer.subscription.resumed", resumed);
  const draft = createSubscriptionInvoice(app, {
    id: invoiceId,
    subscription: resumed,
    reason: "subscription_cycle",
    lines: cycleLines(app, resumed, now, end, false),
    periodStart: now,
    periodEnd: now,
  });
  const result = attemptPayment(app, finalizeInvoice(app, draft), { onSession: false, scheduleRetries: true });
  return settleAfterPayment(app, resumed.id, result) ?? resumed;
}

/** `previous`: what the update event's `previous_attributes` compare with (an update that ends a trial). */
export function renewSubscription(
  app: App,
  sub: Stripe.Subscription,
  previous: Stripe.Subscription = sub,
): Stripe.Subscription {
  const ended = endTrialWithoutCard(app, sub);
  if (ended !== null) return ended;
  const { previousStart, start, end } = nextPeriod(sub);
  const invoiceId = preallocatedInvoiceId();
  const renewed = updateSubscription(app, previous, {
    ...withPeriod(sub, start, end),
    status: sub.status === "trialing" ? "active" : sub.status,
    latest_invoice: invoiceId,
  });
  const prorationLines = pendingProrationLines(app, sub.id);
  app.store.pendingProrations.delete(sub.id);
  const draft = createSubscriptionInvoice(app, {
    id: invoiceId,
    subscription: renewed,
    reason: "subscription_cycle",
    lines: [...prorationLines, ...cycleLines(app, renewed, start, end, false)],
    periodStart: previousStart,
    periodEnd: start,
  });
  const open = finalizeInvoice(app, draft);
  // Stripe stops collecting automatically once a subscription is `unpaid`.
  if (renewed.status === "unpaid") return renewed;
  const result = attemptPayment(app, open, { onSession: false, scheduleRetries: true });
  return settleAfterPayment(app, renewed.id, result) ?? renewed;
}
