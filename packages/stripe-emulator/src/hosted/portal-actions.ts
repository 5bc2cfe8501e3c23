// What the portal's buttons do. Each goes through part 1's own code path (the subscription update
// handler, cancel, attach/detach, invoice pay), so objects and events are what the API produces.
import type { ParsedQs } from "qs";
import type Stripe from "stripe";
import { swapItems, type ProrationBehavior } from "../billing/prorations.ts";
import { cancelSubscriptionNow } from "../billing/subscription-lifecycle.ts";
import { commitUpdate } from "../events/commit-update.ts";
import { invalidRequest } from "../http/errors.ts";
import { Params } from "../http/params.ts";
import { idOf } from "../resources/lookup.ts";
import { payInvoice } from "../resources/invoices.ts";
import { attachPaymentMethod, createCardPaymentMethod, detachPaymentMethod } from "../resources/payment-methods.ts";
import { updateSubscriptionFromParams } from "../resources/subscription-update.ts";
import type { ParsedCard } from "./card-form.ts";
import { liveSubscriptions, type PortalContext } from "./portal-context.ts";

type Feedback = Stripe.Subscription.CancellationDetails.Feedback;

/** The same handler as POST /v1/subscriptions/:id, with the params the portal would send. */
function updateSubscription(ctx: PortalContext, sub: Stripe.Subscription, raw: ParsedQs): Stripe.Subscription {
  return updateSubscriptionFromParams({
    app: ctx.app,
    params: { id: sub.id },
    input: new Params(raw),
    method: "POST",
    path: `/v1/subscriptions/${sub.id}`,
  });
}

function onlyItem(sub: Stripe.Subscription): Stripe.SubscriptionItem {
  const item = sub.items.data[0];
  if (item === undefined || sub.items.data.length !== 1)
    throw invalidRequest("The portal only updates subscriptions with a single item.");
  return item;
}

/** The configuration's behaviour, as one of the three the update handler knows. */
function prorationBehavior(ctx: PortalContext): ProrationBehavior {
  const configured = ctx.config.features.subscription_update.proration_behavior;
  if (configured === "always_invoice") return "always_invoice";
  return configured === "none" ? "none" : "create_prorations";
}

export function changePlan(
  ctx: PortalContext,
  sub: Stripe.Subscription,
  price: Stripe.Price,
  quantity: number | null,
): Stripe.Subscription {
  const item = onlyItem(sub);
  return updateSubscription(ctx, sub, {
    items: [{ id: item.id, price: price.id, ...(quantity === null ? {} : { quantity: String(quantity) }) }],
    proration_behavior: prorationBehavior(ctx),
  });
}

/** What the change costs: prorations (or the new cycle) and whether they are charged right away. */
export function previewPlanChange(
  ctx: PortalContext,
  sub: Stripe.Subscription,
  price: Stripe.Price,
  quantity: number | null,
): { amount: number; immediate: boolean } {
  const behavior = prorationBehavior(ctx);
  const change = { id: onlyItem(sub).id, price, quantity, deleted: false, metadata: null };
  const swap = swapItems(ctx.app, sub, [change], behavior, ctx.now);
  const amount = swap.lines.reduce((sum, line) => sum + line.amount, 0);
  return { amount, immediate: swap.resetCycle !== null || behavior === "always_invoice" };
}

export function cancelPlan(
  ctx: PortalContext,
  sub: Stripe.Subscription,
  feedback: Feedback | null,
): Stripe.Subscription {
  if (ctx.config.features.subscription_cancel.mode === "immediately") {
    return cancelSubscriptionNow(ctx.app, sub, "cancellation_requested", { feedback });
  }
  return updateSubscription(ctx, sub, {
    cancel_at_period_end: "true",
    ...(feedback === null ? {} : { cancellation_details: { feedback } }),
  });
}

export function renewPlan(ctx: PortalContext, sub: Stripe.Subscription): Stripe.Subscription {
  return updateSubscription(ctx, sub, { cancel_at_period_end: "false" });
}

/** Creates and attaches the card; declines (0002, 9995…) throw before anything is attached. */
export function addCard(ctx: PortalContext, card: ParsedCard): Stripe.PaymentMethod {
  const pm = createCardPaymentMethod(ctx.app, {
    number: card.number,
    expMonth: card.expMonth,
    expYear: card.expYear,
    billingDetails: { name: card.name, email: ctx.customer.email },
  });
  return attachPaymentMethod(ctx.app, pm.id, ctx.customer.id);
}

/** Like Stripe's portal: the customer's invoice default, and every live subscription's default too. */
export function makeDefault(ctx: PortalContext, pm: Stripe.PaymentMethod): void {
  const before = ctx.app.store.customers.get(ctx.customer.id) ?? ctx.customer;
  commitUpdate(ctx.app, "customer.updated", ctx.app.store.customers, before, {
    ...before,
    invoice_settings: { ...before.invoice_settings, default_payment_method: pm.id },
  });
  for (const sub of liveSubscriptions(ctx)) {
    if (idOf(sub.default_payment_method) !== pm.id) updateSubscription(ctx, sub, { default_payment_method: pm.id });
  }
}

/** A card paying for live subscriptions cannot be removed until another one is the default. */
export function cardInUse(ctx: PortalContext, pmId: string): boolean {
  const subs = liveSubscriptions(ctx);
  if (subs.length === 0) return false;
  const customer = ctx.app.store.customers.get(ctx.customer.id) ?? ctx.customer;
  return (
    idOf(customer.invoice_settings.default_payment_method) === pmId ||
    subs.some((sub) => idOf(sub.default_payment_method) === pmId)
  );
}

export function removeCard(ctx: PortalContext, pm: Stripe.PaymentMethod): void {
  if (cardInUse(ctx, pm.id)) throw invalidRequest("Make another card the default before removing this one.");
  detachPaymentMethod(ctx.app, pm);
}

/** "Pay now": the card the portal shows as default, the customer present (so 3-D Secure may ask). */
export function payNow(
  ctx: PortalContext,
  invoice: Stripe.Invoice,
  paymentMethodId: string | null,
  authenticated: boolean,
): Stripe.Invoice {
  return payInvoice(ctx.app, invoice, {
    onSession: !authenticated,
    authenticated,
    ...(paymentMethodId === null ? {} : { paymentMethodId }),
  });
}

export function updateCustomer(
  ctx: PortalContext,
  changes: { name?: string; email?: string; address?: Stripe.Address | null },
): Stripe.Customer {
  const before = ctx.app.store.customers.get(ctx.customer.id) ?? ctx.customer;
  return commitUpdate(ctx.app, "customer.updated", ctx.app.store.customers, before, { ...before, ...changes });
}
