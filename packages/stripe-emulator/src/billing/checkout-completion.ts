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
import { commitUpdate } from "../events/commit-update.ts";
import { addTaxId, checkTaxId, taxIdTypeFor } from "../resources/tax-ids.ts";

export interface CompletionInput {
  cardNumber: string;
  email?: string;
  name?: string;
  /** As typed on the hosted page; the payment method gets a default expiry otherwise. */
  expMonth?: number;
  expYear?: number;
  /** Result of the 3-D Secure challenge for cards that ask for one. */
  authentication: "succeed" | "fail" | "none";
  /** The billing address typed on the page (required when the session collects it or computes tax). */
  address?: { country: string; line1?: string; city?: string; postalCode?: string };
  /** "I'm purchasing as a business": the business name and its tax ID. */
  business?: { name: string; taxId: string };
}

/** Checks what the page collected before anything is made, so a bad field changes nothing. */
function collected(session: Stripe.Checkout.Session, input: CompletionInput) {
  const needsAddress = session.billing_address_collection === "required" || session.automatic_tax.enabled;
  const address = input.address;
  if (needsAddress && (address === undefined || !/^[A-Z]{2}$/.test(address.country))) {
    throw invalidRequest("Your billing address is incomplete: choose a country.", "address[country]");
  }
  if (session.billing_address_collection === "required" && address !== undefined) {
    for (const [key, value] of [
      ["line1", address.line1],
      ["city", address.city],
      ["postal_code", address.postalCode],
    ] as const) {
      if (value === undefined || value.trim() === "")
        throw invalidRequest("Your billing address is incomplete.", `address[${key}]`);
    }
  }
  const business = input.business;
  if (business === undefined || session.tax_id_collection?.enabled !== true) return { address, taxId: null };
  if (business.name.trim() === "") throw invalidRequest("Enter the business name.", "business_name");
  const country = address?.country ?? "";
  const type = taxIdTypeFor(country);
  if (type === undefined)
    throw invalidRequest(`Tax IDs from ${country || "this country"} are not supported.`, "tax_id");
  return { address, taxId: checkTaxId(type, business.taxId, "tax_id") };
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

function toAddress(address: NonNullable<CompletionInput["address"]>): Stripe.Address {
  return {
    country: address.country,
    line1: address.line1 ?? null,
    line2: null,
    city: address.city ?? null,
    state: null,
    postal_code: address.postalCode ?? null,
  };
}

/** `customer_update` (always, for a customer Checkout made): the address and business name typed. */
function saveCollected(
  app: App,
  session: Stripe.Checkout.Session,
  customer: Stripe.Customer,
  address: CompletionInput["address"],
  businessName: string | undefined,
): Stripe.Customer {
  const data = app.store.sessionSubscriptionData.get(session.id);
  const after: Stripe.Customer = {
    ...customer,
    ...(address !== undefined && data?.saveAddress !== false ? { address: toAddress(address) } : {}),
    ...(businessName !== undefined && data?.saveName !== false ? { name: businessName } : {}),
  };
  return commitUpdate(app, "customer.updated", app.store.customers, customer, after);
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
  const { address, taxId } = collected(session, input);
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
  // The business name is saved only with the tax ID it came with.
  const businessName = taxId === null ? undefined : input.business?.name;
  const existing = session.customer === null ? undefined : app.store.customers.get(idOf(session.customer) ?? "");
  const customer = !needsCustomer
    ? null
    : existing !== undefined
      ? saveCollected(app, session, existing, address, businessName)
      : createCustomerRecord(app, {
          email,
          name: businessName ?? input.name ?? null,
          address: address === undefined ? null : toAddress(address),
        });
  if (customer !== null && taxId !== null) addTaxId(app, customer.id, taxId);
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
      authenticated,
      discounts,
      automaticTax: session.automatic_tax.enabled,
    }).subscription;
  }
  const firstInvoice = app.store.invoices.get(idOf(subscription?.latest_invoice) ?? "");
  const taxAmount = (firstInvoice?.total_taxes ?? []).reduce((sum, entry) => sum + entry.amount, 0);
  const completed: Stripe.Checkout.Session = {
    ...session,
    status: "complete",
    payment_status: session.mode === "setup" || (session.amount_total ?? 0) === 0 ? "no_payment_required" : "paid",
    customer: customer?.id ?? null,
    customer_details: {
      address: address === undefined ? null : toAddress(address),
      business_name: businessName ?? null,
      email: customer?.email ?? email,
      individual_name: null,
      name: input.name ?? customer?.name ?? null,
      phone: null,
      tax_exempt: "none",
      tax_ids: taxId === null ? [] : [taxId],
    },
    automatic_tax: session.automatic_tax.enabled
      ? { ...session.automatic_tax, status: "complete" }
      : session.automatic_tax,
    ...(firstInvoice === undefined || session.total_details === null
      ? {}
      : {
          amount_total: firstInvoice.total,
          total_details: { ...session.total_details, amount_tax: taxAmount },
        }),
    subscription: subscription?.id ?? null,
    invoice: subscription === null ? null : idOf(subscription.latest_invoice),
    url: null,
  };
  app.store.checkoutSessions.set(completed.id, completed);
  app.events.emit("checkout.session.completed", completed);
  return completed;
}
