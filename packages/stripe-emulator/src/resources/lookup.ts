// Fetch-or-404 helpers shared by the resources.
import type Stripe from "stripe";
import type { App } from "../app.ts";
import { invalidRequest, resourceMissing } from "../http/errors.ts";

export function getOr404<T>(map: Map<string, T>, id: string, noun: string, param = "id"): T {
  const found = map.get(id);
  if (found === undefined) throw resourceMissing(noun, id, param);
  return found;
}

export function liveCustomer(app: App, id: string, param = "customer"): Stripe.Customer {
  return getOr404(app.store.customers, id, "customer", param);
}

export function idOf(value: string | { id: string } | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === "string" ? value : value.id;
}

/** A payment method that must already be attached to `customerId`. */
export function attachedPaymentMethod(app: App, customerId: string, pmId: string, param: string): Stripe.PaymentMethod {
  const pm = app.store.paymentMethods.get(pmId);
  if (pm === undefined || idOf(pm.customer) !== customerId) {
    throw invalidRequest(
      `The customer does not have a payment method with the ID ${pmId}. ` +
        "The payment method must be attached to the customer.",
      param,
      "resource_missing",
    );
  }
  return pm;
}
