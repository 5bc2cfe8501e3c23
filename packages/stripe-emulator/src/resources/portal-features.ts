// Billing portal configuration features: defaults and reading them from (partial) params.
import type Stripe from "stripe";
import type { App } from "../app.ts";
import { invalidRequest } from "../http/errors.ts";
import type { Params } from "../http/params.ts";
import { getOr404, idOf } from "./lookup.ts";

type Features = Stripe.BillingPortal.Configuration.Features;

export const DEFAULT_FEATURES: Features = {
  customer_update: { allowed_updates: [], enabled: false },
  invoice_history: { enabled: false },
  payment_method_update: { enabled: false, payment_method_configuration: null },
  subscription_cancel: {
    cancellation_reason: { enabled: false, feedback_options: null, options: [] },
    enabled: false,
    mode: "at_period_end",
    proration_behavior: "none",
  },
  subscription_pause: { duration: { interval_options: [], type: "indefinite" }, enabled: false },
  subscription_update: {
    billing_cycle_anchor: null,
    default_allowed_updates: [],
    enabled: false,
    products: [],
    proration_behavior: "none",
    schedule_at_period_end: { conditions: [] },
    trial_update_behavior: "end_trial",
  },
};

const PRORATION = ["always_invoice", "create_prorations", "none"] as const;

function subscriptionUpdate(
  app: App,
  input: Params,
  current: Features["subscription_update"],
): Features["subscription_update"] {
  const products = input.childList("products", ["product", "prices", "adjustable_quantity"]);
  const next: Features["subscription_update"] = {
    ...current,
    enabled: input.bool("enabled") ?? current.enabled,
    default_allowed_updates: input.stringList("default_allowed_updates") ?? current.default_allowed_updates,
    proration_behavior: input.oneOf("proration_behavior", PRORATION) ?? current.proration_behavior,
    billing_cycle_anchor:
      input.oneOf("billing_cycle_anchor", ["now", "unchanged"] as const) ?? current.billing_cycle_anchor,
    trial_update_behavior:
      input.oneOf("trial_update_behavior", ["continue_trial", "end_trial"] as const) ?? current.trial_update_behavior,
  };
  const conditions = input.child("schedule_at_period_end", ["conditions"])?.childList("conditions", ["type"]);
  if (conditions !== undefined)
    next.schedule_at_period_end = {
      conditions: conditions.map((condition) => ({ type: condition.requiredString("type") })),
    };
  if (products !== undefined) {
    next.products = products.map((entry) => {
      const product = getOr404(app.store.products, entry.requiredString("product"), "product", entry.name("product"));
      const prices = entry.stringList("prices") ?? [];
      for (const priceId of prices) {
        const price = getOr404(app.store.prices, priceId, "price", entry.name("prices"));
        if (idOf(price.product) !== product.id) {
          throw invalidRequest(`The price ${priceId} does not belong to product ${product.id}.`, entry.name("prices"));
        }
      }
      return { product: product.id, prices, adjustable_quantity: { enabled: false, maximum: null, minimum: 1 } };
    });
  }
  if (next.enabled && (next.products ?? []).length === 0) {
    throw invalidRequest(
      "You must specify `products` when `subscription_update` is enabled.",
      "features[subscription_update][products]",
    );
  }
  return next;
}

export function readFeatures(app: App, input: Params | undefined, current: Features): Features {
  if (input === undefined) return current;
  const next: Features = { ...current };
  const customerUpdate = input.child("customer_update", ["enabled", "allowed_updates"]);
  if (customerUpdate !== undefined) {
    next.customer_update = {
      enabled: customerUpdate.bool("enabled") ?? current.customer_update.enabled,
      allowed_updates: customerUpdate.stringList("allowed_updates") ?? current.customer_update.allowed_updates,
    };
  }
  const invoiceHistory = input.child("invoice_history", ["enabled"]);
  if (invoiceHistory !== undefined) next.invoice_history = { enabled: invoiceHistory.bool("enabled") ?? false };
  const pmUpdate = input.child("payment_method_update", ["enabled", "payment_method_configuration"]);
  if (pmUpdate !== undefined) {
    next.payment_method_update = {
      enabled: pmUpdate.bool("enabled") ?? false,
      payment_method_configuration: pmUpdate.nullableString("payment_method_configuration") ?? null,
    };
  }
  const cancel = input.child("subscription_cancel", ["enabled", "mode", "proration_behavior", "cancellation_reason"]);
  if (cancel !== undefined) {
    const reason = cancel.child("cancellation_reason", ["enabled", "options"]);
    next.subscription_cancel = {
      enabled: cancel.bool("enabled") ?? current.subscription_cancel.enabled,
      mode: cancel.oneOf("mode", ["at_period_end", "immediately"] as const) ?? current.subscription_cancel.mode,
      proration_behavior:
        cancel.oneOf("proration_behavior", PRORATION) ?? current.subscription_cancel.proration_behavior,
      cancellation_reason:
        reason === undefined
          ? current.subscription_cancel.cancellation_reason
          : {
              enabled: reason.bool("enabled") ?? false,
              feedback_options: null,
              options: reason.stringList("options") ?? [],
            },
    };
  }
  const pause = input.child("subscription_pause", ["enabled"]);
  if (pause !== undefined)
    next.subscription_pause = { ...current.subscription_pause, enabled: pause.bool("enabled") ?? false };
  const update = input.child("subscription_update", [
    "enabled",
    "default_allowed_updates",
    "products",
    "proration_behavior",
    "billing_cycle_anchor",
    "schedule_at_period_end",
    "trial_update_behavior",
  ]);
  if (update !== undefined) next.subscription_update = subscriptionUpdate(app, update, current.subscription_update);
  return next;
}
