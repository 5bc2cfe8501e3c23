// Completing a Checkout Session as the hosted page would: card checks first (a decline changes
// nothing), then customer, payment method, subscription + paid invoice, and the events in order.
import type Stripe from "stripe";
import type { App } from "../app.ts";
import { cardError, invalidRequest, StripeHttpError } from "../http/errors.ts";
import { randomToken } from "../ids.ts";
import { idOf } from "../resources/lookup.ts";
import { attachPaymentMethod, createCardPaymentMethod } from "../resources/payment-methods.ts";
import { DAY, nowFor } from "../time.ts";
import { attachOutcome, chargeOutcome } from "./cards.ts";
import { createCustomerRecord } from "./customer-factory.ts";
import { assertRedeemable, type DiscountRequest } from "./discounts.ts";
import { createSubscription } from "./subscription-lifecycle.ts";

export interface CompletionInput {
  cardNumber: string;
  email?: string;
  name?: string;
  /** As typed on the hosted page; the payment method gets a default expiry otherwise. */
  expMonth?: number;
  expYear?: number;
  /** Result of the 3-D Secure challenge for cards that ask for one. */
  authentication: "succeed" | "fail" | "none";
}

const AUTHENTICATION_REQUIRED = new StripeHttpError(402, {
  type: "card_error",
  code: "authentication_required",
  decline_code: "authentication_required",
  message: "Your card was declined. This transaction requires authentication.",
});

const AUTHENTICATION_FAILED = new StripeHttpError(402, {
  type: "card_error",
  code: "payment_intent_authentication_failure",
  message: "We are unable to authenticate your payment method. Please choose a different payment method and try again.",
});

function checkCard(session: Stripe.Checkout.Session, number: string, input: CompletionInput): boolean {
  const attachDecline = attachOutcome(number);
  if (attachDecline !== undefined) throw cardError(attachDecline);
  const charging = session.mode !== "setup" && (session.amount_total ?? 0) > 0;
  if (!charging) return false;
  const outcome = chargeOutcome(number, true);
  if (outcome.kind === "declined") throw cardError(outcome.decline);
  if (outcome.kind === "requires_action") {
    if (input.authentication === "fail") throw AUTHENTICATION_FAILED;
    if (input.authentication !== "succeed") throw AUTHENTICATION_REQUIRED;
    return true;
  }
  return false;
}

/**
 * The session's coupons (and the codes typed for them), if each can still be redeemed; else the
 * completion is refused before anything changes, so nobody pays other than the page showed.
 */
function redeemableNow(app: App, session: Stripe.Checkout.Session): DiscountRequest[] {
  const lineItems = app.store.sessionLineItems.get(session.id) ?? [];
  const context = {
    customerId: idOf(session.customer),
    amount: lineItems.reduce((sum, item) => sum + item.amount_subtotal, 0),
    currency: session.currency ?? "usd",
  };
  return (session.discounts ?? []).map((entry) => {
    const promotionCode = app.store.promotionCodes.get(idOf(entry.promotion_code) ?? "") ?? null;
    const coupon = app.store.coupons.get(idOf(entry.coupon) ?? "");
    const label = promotionCode?.code ?? idOf(entry.coupon) ?? "";
    const refused = invalidRequest(
      `The promotion code ${label} can no longer be used. Remove it and try again.`,
      "discounts",
    );
    if (coupon === undefined) throw refused;
    try {
      return assertRedeemable(app, { coupon, promotionCode }, context, "discounts");
    } catch (error) {
      if (error instanceof StripeHttpError) throw refused;
      throw error;
    }
  });
}

export function completeCheckoutSession(
  app: App,
  session: Stripe.Checkout.Session,
  input: CompletionInput,
): Stripe.Checkout.Session {
  if (session.status !== "open") {
    throw invalidRequest(
      `This Checkout Session is ${session.status ?? "not open"} and can no longer be completed.`,
      "session",
    );
  }
  const now = nowFor(app.store, idOf(session.customer));
  if (session.expires_at <= now) throw invalidRequest("This Checkout Session has expired.", "session");
  // The code applied on the page is checked again: another redemption may have used it up since.
  const discounts = redeemableNow(app, session);
  const pm = createCardPaymentMethod(app, {
    number: input.cardNumber,
    expMonth: input.expMonth,
    expYear: input.expYear,
    billingDetails: { name: input.name ?? null, email: input.email ?? null },
  });
  const number = app.store.cardNumbers.get(pm.id) ?? input.cardNumber;
  const authenticated = checkCard(session, number, input);

  const email = session.customer_email ?? input.email ?? `customer-${randomToken(6).toLowerCase()}@example.com`;
  const needsCustomer =
    session.mode !== "payment" || session.customer_creation === "always" || session.customer !== null;
  const customer = !needsCustomer
    ? null
    : ((session.customer === null ? undefined : app.store.customers.get(idOf(session.customer) ?? "")) ??
      createCustomerRecord(app, { email, name: input.name ?? null }));
  if (customer !== null && session.mode !== "payment") attachPaymentMethod(app, pm.id, customer.id);

  let subscription: Stripe.Subscription | null = null;
  if (session.mode === "subscription" && customer !== null) {
    const data = app.store.sessionSubscriptionData.get(session.id);
    const items = (app.store.sessionLineItems.get(session.id) ?? []).flatMap((item) =>
      item.price === null ? [] : [{ price: item.price, quantity: item.quantity ?? 1, metadata: {} }],
    );
    const start = nowFor(app.store, customer.id);
    const trialEnd = data?.trialEnd ?? (data?.trialPeriodDays ? start + data.trialPeriodDays * DAY : null);
    subscription = createSubscription(app, {
      customerId: customer.id,
      items,
      defaultPaymentMethod: pm.id,
      trialEnd,
      metadata: data?.metadata ?? {},
      description: data?.description ?? null,
      cancelAt: null,
      cancelAtPeriodEnd: false,
      paymentBehavior: "allow_incomplete",
      onSession: !authenticated,
      discounts,
    }).subscription;
  }
  const completed: Stripe.Checkout.Session = {
    ...session,
    status: "complete",
    payment_status: session.mode === "setup" || (session.amount_total ?? 0) === 0 ? "no_payment_required" : "paid",
    customer: customer?.id ?? null,
    customer_details: {
      address: null,
      business_name: null,
      email: customer?.email ?? email,
      individual_name: null,
      name: input.name ?? customer?.name ?? null,
      phone: null,
      tax_exempt: "none",
      tax_ids: [],
    },
    subscription: subscription?.id ?? null,
    invoice: subscription === null ? null : idOf(subscription.latest_invoice),
    url: null,
  };
  app.store.checkoutSessions.set(completed.id, completed);
  app.events.emit("checkout.session.completed", completed);
  return completed;
}
