// Test data through the SDK, as the app would create it: plans, a portal configuration, customers
// with subscriptions, sessions; and reading back which events an object produced.
import type Stripe from "stripe";
import { APP_URL } from "./fixtures.ts";

export const DAY = 86_400;

export interface Plans {
  basic: { product: Stripe.Product; price: Stripe.Price };
  pro: { product: Stripe.Product; price: Stripe.Price };
}

export async function createPlans(stripe: Stripe): Promise<Plans> {
  const plan = async (name: string, amount: number) => {
    const product = await stripe.products.create({ name });
    const price = await stripe.prices.create({
      product: product.id,
      currency: "usd",
      unit_amount: amount,
      recurring: { interval: "month" },
    });
    return { product, price };
  };
  return { basic: await plan("Basic", 1_000), pro: await plan("Pro", 2_500) };
}

export interface ConfigOptions {
  cancelMode?: "at_period_end" | "immediately";
  reasons?: boolean;
  proration?: "none" | "create_prorations" | "always_invoice";
}

export function createPortalConfiguration(
  stripe: Stripe,
  plans: Plans,
  options: ConfigOptions = {},
): Promise<Stripe.BillingPortal.Configuration> {
  return stripe.billingPortal.configurations.create({
    business_profile: { headline: "Acme manages billing with Stripe" },
    default_return_url: `${APP_URL}/settings/billing`,
    features: {
      customer_update: { enabled: true, allowed_updates: ["email", "name"] },
      invoice_history: { enabled: true },
      payment_method_update: { enabled: true },
      subscription_cancel: {
        enabled: true,
        mode: options.cancelMode ?? "at_period_end",
        proration_behavior: "none",
        cancellation_reason: {
          enabled: options.reasons ?? false,
          options: ["too_expensive", "missing_features", "unused", "other"],
        },
      },
      subscription_update: {
        enabled: true,
        default_allowed_updates: ["price"],
        proration_behavior: options.proration ?? "create_prorations",
        products: [
          { product: plans.basic.product.id, prices: [plans.basic.price.id] },
          { product: plans.pro.product.id, prices: [plans.pro.price.id] },
        ],
      },
    },
  });
}

export async function subscribedCustomer(
  stripe: Stripe,
  price: Stripe.Price,
  options: { card?: string; testClock?: string; email?: string } = {},
): Promise<{ customer: Stripe.Customer; subscription: Stripe.Subscription }> {
  const card = options.card ?? "pm_card_visa";
  const customer = await stripe.customers.create({
    email: options.email ?? "jenny@example.com",
    name: "Jenny Rosen",
    payment_method: card,
    invoice_settings: { default_payment_method: card },
    ...(options.testClock === undefined ? {} : { test_clock: options.testClock }),
  });
  const subscription = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
  return { customer, subscription };
}

export async function subscriptionCheckout(
  stripe: Stripe,
  price: Stripe.Price,
  extra: Partial<Stripe.Checkout.SessionCreateParams> = {},
): Promise<Stripe.Checkout.Session> {
  return stripe.checkout.sessions.create({
    mode: "subscription",
    line_items: [{ price: price.id, quantity: 1 }],
    success_url: `${APP_URL}/settings/billing?checkout=success&session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${APP_URL}/settings/billing?checkout=canceled`,
    ...extra,
  });
}

/**
 * Every event whose data (object or previous attributes, e.g. a detached card's customer)
 * mentions `id`, oldest first.
 */
export async function eventsFor(stripe: Stripe, id: string, types?: RegExp): Promise<Stripe.Event[]> {
  const events: Stripe.Event[] = [];
  for await (const event of stripe.events.list({ limit: 100 })) events.push(event);
  return events
    .reverse()
    .filter((event) => JSON.stringify(event.data).includes(id) && (types === undefined || types.test(event.type)));
}

export async function eventTypesFor(stripe: Stripe, id: string, types?: RegExp): Promise<string[]> {
  return (await eventsFor(stripe, id, types)).map((event) => event.type);
}

/** The object behind an expanded field (no cast: it fails loudly when the field was not expanded). */
export function expanded<T extends { id: string }>(value: string | T | null | undefined): T {
  if (value === null || value === undefined || typeof value === "string")
    throw new Error("expected an expanded object");
  return value;
}

export function idOf(value: string | { id: string } | null | undefined): string {
  if (value === null || value === undefined) throw new Error("expected an id");
  return typeof value === "string" ? value : value.id;
}

/** "December 27, 2026", as the portal writes dates (UTC). */
export function longDate(timestamp: number): string {
  return new Date(timestamp * 1000).toLocaleDateString("en-US", {
    month: "long",
    day: "numeric",
    year: "numeric",
    timeZone: "UTC",
  });
}

export function periodEndOf(subscription: Stripe.Subscription): number {
  return Math.min(...subscription.items.data.map((item) => item.current_period_end));
}

export function portalSession(
  stripe: Stripe,
  customer: string,
  configuration: string,
  flow?: Stripe.BillingPortal.SessionCreateParams.FlowData,
): Promise<Stripe.BillingPortal.Session> {
  return stripe.billingPortal.sessions.create({
    customer,
    configuration,
    return_url: `${APP_URL}/settings/billing`,
    ...(flow === undefined ? {} : { flow_data: flow }),
  });
}

/** `data.previous_attributes` as a plain record (its SDK type is a union over every object). */
export function previousAttributes(event: Stripe.Event | undefined): Record<string, unknown> {
  const previous = event?.data.previous_attributes;
  return previous === undefined ? {} : Object.fromEntries(Object.entries(previous));
}

export async function retrieveCustomer(stripe: Stripe, id: string): Promise<Stripe.Customer> {
  const customer = await stripe.customers.retrieve(id);
  if (customer.deleted === true) throw new Error(`customer ${id} was deleted`);
  return customer;
}
