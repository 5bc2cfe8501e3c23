// Builds Stripe.Customer objects for the API and for Checkout's automatic customer creation.
import type Stripe from "stripe";
import type { App } from "../app.ts";
import { newId, randomToken } from "../ids.ts";
import { realNow } from "../time.ts";

export function buildCustomer(created: number, testClock: string | null): Stripe.Customer {
  return {
    id: newId("customer"),
    object: "customer",
    address: null,
    balance: 0,
    created,
    currency: null,
    customer_account: null,
    default_source: null,
    delinquent: false,
    description: null,
    discount: null,
    email: null,
    invoice_prefix: randomToken(8).toUpperCase(),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: {},
    name: null,
    next_invoice_sequence: 1,
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: "none",
    test_clock: testClock,
  };
}

export function createCustomerRecord(
  app: App,
  fields: { email: string | null; name: string | null; address?: Stripe.Address | null },
): Stripe.Customer {
  const customer: Stripe.Customer = {
    ...buildCustomer(realNow(), null),
    email: fields.email,
    name: fields.name,
    address: fields.address ?? null,
  };
  app.store.customers.set(customer.id, customer);
  app.events.emit("customer.created", customer);
  return customer;
}
