// POST /v1/subscriptions/:id — price swaps with prorations, cancel_at_period_end / cancel_at,
// default payment method, trial end, metadata.
import type Stripe from "stripe";
import { attemptPayment, createSubscriptionInvoice, finalizeInvoice } from "../billing/invoicing.ts";
import { asPending, swapItems, withItems, type ItemChange } from "../billing/prorations.ts";
import { periodEnd, recurringPrice, withPeriod } from "../billing/subscription-items.ts";
import { preallocatedInvoiceId } from "../billing/subscription-factory.ts";
import {
  pendingProrationLines,
  remindTrialEnd,
  renewSubscription,
  settleAfterPayment,
  updateSubscription,
} from "../billing/subscription-lifecycle.ts";
import { invalidRequest } from "../http/errors.ts";
import type { App } from "../app.ts";
import { applyMetadata, type Params } from "../http/params.ts";
import type { ApiContext } from "../router.ts";
import { requireParam } from "../router.ts";
import { nowFor } from "../time.ts";
import { attachedPaymentMethod, getOr404, idOf } from "./lookup.ts";

const PRORATION = ["create_prorations", "none", "always_invoice"] as const;

export function updateSubscriptionFromParams(ctx: ApiContext): Stripe.Subscription {
  const { app } = ctx;
  const input = ctx.input.allow([
    "items",
    "proration_behavior",
    "cancel_at_period_end",
    "cancel_at",
    "default_payment_method",
    "metadata",
    "description",
    "trial_end",
    "payment_behavior",
    "proration_date",
    "expand",
    "cancellation_details",
    "off_session",
  ]);
  const before = getOr404(app.store.subscriptions, requireParam(ctx, "id"), "subscription");
  const customerId = idOf(before.customer) ?? "";
  const now = nowFor(app.store, customerId);
  const ended = before.status === "canceled" || before.status === "incomplete_expired";
  const touchesMoreThanMetadata = Object.keys(input.raw).some(
    (key) => !["metadata", "cancellation_details", "expand"].includes(key),
  );
  if (ended && touchesMoreThanMetadata) {
    throw invalidRequest("A canceled subscription can only update its cancellation_details and metadata.");
  }
  let next: Stripe.Subscription = { ...before, metadata: applyMetadata(before.metadata, input.metadata()) };
  const description = input.nullableString("description");
  if (description !== undefined) next.description = description;
  const pmId = input.nullableString("default_payment_method");
  if (pmId !== undefined && pmId !== null) attachedPaymentMethod(app, customerId, pmId, "default_payment_method");
  if (pmId !== undefined) next.default_payment_method = pmId;

  const details = input.child("cancellation_details", ["comment", "feedback"]);
  const cancelDetails: Stripe.Subscription.CancellationDetails = {
    comment: details?.nullableString("comment") ?? next.cancellation_details?.comment ?? null,
    feedback: details?.string("feedback") ?? next.cancellation_details?.feedback ?? null,
    feedback_option: null,
    reason: next.cancellation_details?.reason ?? null,
  };
  const atPeriodEnd = input.bool("cancel_at_period_end");
  const cancelAt = input.has("cancel_at") ? input.nullableString("cancel_at") : undefined;
  if (atPeriodEnd === true || (cancelAt !== undefined && cancelAt !== null)) {
    const at = atPeriodEnd === true ? periodEnd(next) : resolveCancelAt(cancelAt ?? "", periodEnd(next));
    next = {
      ...next,
      cancel_at_period_end: atPeriodEnd === true,
      cancel_at: at,
      canceled_at: now,
      cancellation_details: { ...cancelDetails, reason: "cancellation_requested" },
    };
  } else if (atPeriodEnd === false || cancelAt === null) {
    next = {
      ...next,
      cancel_at_period_end: false,
      cancel_at: null,
      canceled_at: null,
      cancellation_details: { comment: null, feedback: null, feedback_option: null, reason: null },
    };
  } else if (details !== undefined) {
    next = { ...next, cancellation_details: cancelDetails };
  }

  const changes = readChanges(ctx);
  const behavior = input.oneOf("proration_behavior", PRORATION) ?? "create_prorations";
  const prorationFrom = validProrationDate(input.int("proration_date"), next, now);
  const swap = changes.length === 0 ? undefined : swapItems(app, next, changes, behavior, now, prorationFrom);
  if (swap !== undefined) {
    next = withItems(next, swap.items);
    if (swap.resetCycle !== null) next = { ...next, billing_cycle_anchor: swap.resetCycle.start };
  }

  if (input.string("trial_end") === "now" && next.status === "trialing") {
    // Ending a trial early starts the first paid period now; the renewal emits the one update event.
    const start = next.items.data[0]?.current_period_start ?? now;
    remindTrialEnd(app, { ...next, trial_end: now }, now, true);
    app.store.subscriptions.set(next.id, { ...withPeriod(next, start, now), trial_end: now });
    // The renewal starts from the update (a card given with it is kept), its one event compared
    // with the subscription as it was.
    return renewSubscription(
      app,
      { ...withPeriod(next, start, now), trial_end: now },
      { ...withPeriod(before, start, now), trial_end: now },
    );
  }

  const invoiceNow =
    swap !== undefined && swap.lines.length > 0 && (swap.resetCycle !== null || behavior === "always_invoice");
  if (swap === undefined || !invoiceNow) {
    if (swap !== undefined && swap.lines.length > 0 && behavior === "create_prorations") {
      app.store.pendingProrations.set(next.id, [
        ...(app.store.pendingProrations.get(next.id) ?? []),
        ...asPending(swap.lines),
      ]);
    }
    return updateSubscription(app, before, next);
  }
  const invoiceId = preallocatedInvoiceId();
  const updated = updateSubscription(app, before, { ...next, latest_invoice: invoiceId });
  // Invoiced now, as Stripe does: with every proration still waiting for the next invoice.
  const pending = pendingProrationLines(app, updated.id);
  app.store.pendingProrations.delete(updated.id);
  const draft = createSubscriptionInvoice(app, {
    id: invoiceId,
    subscription: updated,
    reason: "subscription_update",
    lines: [...pending, ...swap.lines],
    periodStart: now,
    periodEnd: now,
  });
  const result = attemptPayment(app, finalizeInvoice(app, draft), { onSession: false, scheduleRetries: true });
  return settleAfterPayment(app, updated.id, result) ?? updated;
}

/** `proration_date`, or now: one outside the subscription's current period is refused. */
export function validProrationDate(value: number | undefined, sub: Stripe.Subscription, now: number): number {
  if (value === undefined) return now;
  const start = Math.min(...sub.items.data.map((item) => item.current_period_start));
  if (value < start || value > periodEnd(sub)) {
    throw invalidRequest("proration_date must be within the subscription's current period.", "proration_date");
  }
  return value;
}

function resolveCancelAt(value: string, end: number): number {
  if (value === "max_period_end" || value === "min_period_end") return end;
  if (!/^\d+$/.test(value)) throw invalidRequest(`Invalid integer: ${value}`, "cancel_at");
  return Number(value);
}

function readChanges(ctx: ApiContext): ItemChange[] {
  return readItemChanges(ctx.app, ctx.input);
}

/** `items[…]` of a subscription update, or of a preview's `subscription_details`. */
export function readItemChanges(app: App, input: Params): ItemChange[] {
  const items = input.childList("items", [
    "id",
    "price",
    "quantity",
    "deleted",
    "metadata",
    "clear_usage",
    "price_data",
    "discounts",
    "tax_rates",
  ]);
  if (items === undefined) return [];
  return items.map((item) => {
    const priceId = item.string("price");
    return {
      id: item.string("id") ?? null,
      price: priceId === undefined ? null : recurringPrice(app, priceId, item.name("price")),
      quantity: item.int("quantity") ?? null,
      deleted: item.bool("deleted") ?? false,
      metadata: item.has("metadata") ? applyMetadata(null, item.metadata()) : null,
    };
  });
}
