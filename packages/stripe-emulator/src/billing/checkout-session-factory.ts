// Builds Stripe.Checkout.Session and its line items.
import type Stripe from "stripe";
import { newId } from "../ids.ts";
import type { SessionSubscriptionData } from "../store.ts";
import { discountLines, type DiscountRequest } from "./discounts.ts";

export interface SessionDraft {
  id: string;
  mode: Stripe.Checkout.Session.Mode;
  uiMode: Stripe.Checkout.Session.UiMode;
  created: number;
  expiresAt: number;
  url: string | null;
  customer: string | null;
  customerEmail: string | null;
  lineItems: Stripe.LineItem[];
  successUrl: string | null;
  cancelUrl: string | null;
  returnUrl: string | null;
  clientReferenceId: string | null;
  metadata: Record<string, string>;
  locale: Stripe.Checkout.Session.Locale | null;
  allowPromotionCodes: boolean | null;
  billingAddressCollection: Stripe.Checkout.Session.BillingAddressCollection | null;
  customerCreation: Stripe.Checkout.Session.CustomerCreation | null;
  paymentMethodCollection: Stripe.Checkout.Session.PaymentMethodCollection | null;
  trialing: boolean;
  automaticTax: boolean;
  taxIdCollection: boolean;
}

export function buildLineItem(price: Stripe.Price, quantity: number, productName: string): Stripe.LineItem {
  const amount = (price.unit_amount ?? 0) * quantity;
  return {
    id: newId("checkoutLineItem"),
    object: "item",
    adjustable_quantity: null,
    amount_discount: 0,
    amount_subtotal: amount,
    amount_tax: 0,
    amount_total: amount,
    currency: price.currency,
    description: productName,
    discounts: [],
    metadata: {},
    price,
    quantity,
    taxes: [],
  };
}

export function buildCheckoutSession(draft: SessionDraft): Stripe.Checkout.Session {
  const subtotal = draft.lineItems.reduce((sum, item) => sum + item.amount_subtotal, 0);
  const total = draft.trialing ? 0 : subtotal;
  return {
    id: draft.id,
    object: "checkout.session",
    adaptive_pricing: { enabled: false },
    after_expiration: null,
    allow_promotion_codes: draft.allowPromotionCodes,
    allowed_payment_method_types: ["card"],
    amount_subtotal: draft.trialing ? 0 : subtotal,
    amount_total: total,
    automatic_tax: draft.automaticTax
      ? { enabled: true, liability: { type: "self" }, provider: "stripe", status: "requires_location_inputs" }
      : { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: draft.billingAddressCollection,
    cancel_url: draft.cancelUrl,
    client_reference_id: draft.clientReferenceId,
    client_secret: draft.uiMode === "hosted_page" ? null : `${draft.id}_secret_${draft.id.slice(-24)}`,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created: draft.created,
    currency: draft.lineItems[0]?.currency ?? null,
    currency_conversion: null,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer: draft.customer,
    customer_account: null,
    customer_creation: draft.customerCreation,
    customer_details:
      draft.customerEmail === null
        ? null
        : {
            address: null,
            business_name: null,
            email: draft.customerEmail,
            individual_name: null,
            name: null,
            phone: null,
            tax_exempt: "none",
            tax_ids: [],
          },
    customer_email: draft.customerEmail,
    discounts: [],
    expires_at: draft.expiresAt,
    integration_identifier: null,
    invoice: null,
    invoice_creation: null,
    livemode: false,
    locale: draft.locale,
    managed_payments: null,
    metadata: draft.metadata,
    mode: draft.mode,
    origin_context: null,
    payment_intent: null,
    payment_link: null,
    payment_method_collection: draft.paymentMethodCollection,
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: ["card"],
    payment_status: draft.mode === "setup" ? "no_payment_required" : "unpaid",
    permissions: null,
    phone_number_collection: { enabled: false },
    recovered_from: null,
    ...(draft.returnUrl === null ? {} : { return_url: draft.returnUrl }),
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: "open",
    submit_type: null,
    subscription: null,
    tax_id_collection: { enabled: draft.taxIdCollection, required: "never" },
    success_url: draft.successUrl,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: draft.uiMode,
    url: draft.url,
    wallet_options: null,
  };
}

/**
 * The session with these coupons applied (or none): its `discounts`, its line items' and its
 * own totals. The trial's "due today" stays 0; the discount then applies to the first invoice.
 */
export function withDiscounts(
  session: Stripe.Checkout.Session,
  lineItems: Stripe.LineItem[],
  requests: DiscountRequest[],
  trialing: boolean,
): { session: Stripe.Checkout.Session; lineItems: Stripe.LineItem[] } {
  const applied = discountLines(
    lineItems.map((item) => ({ amount: item.amount_subtotal, discountable: true })),
    requests.map(({ coupon }) => ({ id: coupon.id, coupon })),
  );
  const items = lineItems.map((item, index) => {
    const off = (applied.perLine[index] ?? []).reduce((sum, entry) => sum + entry.amount, 0);
    return { ...item, amount_discount: off, amount_total: item.amount_subtotal - off };
  });
  const subtotal = lineItems.reduce((sum, item) => sum + item.amount_subtotal, 0);
  const off = applied.totals.reduce((sum, entry) => sum + entry.amount, 0);
  return {
    session: {
      ...session,
      discounts: requests.map(({ coupon, promotionCode }) => ({
        coupon: coupon.id,
        promotion_code: promotionCode?.id ?? null,
      })),
      amount_subtotal: trialing ? 0 : subtotal,
      amount_total: trialing ? 0 : subtotal - off,
      total_details: { amount_discount: trialing ? 0 : off, amount_shipping: 0, amount_tax: 0 },
    },
    lineItems: items,
  };
}

/** Whether the session's subscription starts with a trial (nothing is due today then). */
export function sessionTrialing(
  data: Pick<SessionSubscriptionData, "trialEnd" | "trialPeriodDays"> | undefined,
): boolean {
  return data !== undefined && (data.trialEnd !== null || (data.trialPeriodDays ?? 0) > 0);
}
