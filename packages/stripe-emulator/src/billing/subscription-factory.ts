// Builds the full Stripe.Subscription object (API 2026-10-28: no period on the subscription itself).
import type Stripe from "stripe";
import { newId } from "../ids.ts";
import { buildItem, itemsList, type ItemInput } from "./subscription-items.ts";

export interface SubscriptionDraft {
  customerId: string;
  items: ItemInput[];
  now: number;
  periodEnd: number;
  trialEnd: number | null;
  defaultPaymentMethod: string | null;
  metadata: Record<string, string>;
  description: string | null;
  cancelAt: number | null;
  cancelAtPeriodEnd: boolean;
  testClock: string | null;
  latestInvoice: string | null;
}

export function buildSubscription(draft: SubscriptionDraft): Stripe.Subscription {
  const id = newId("subscription");
  const items = draft.items.map((item) => buildItem(item, id, draft.now, draft.now, draft.periodEnd));
  const currency = draft.items[0]?.price.currency ?? "usd";
  return {
    id,
    object: "subscription",
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: draft.trialEnd ?? draft.now,
    billing_cycle_anchor_config: null,
    billing_mode: { flexible: null, type: "classic" },
    billing_schedules: [],
    billing_thresholds: null,
    cancel_at: draft.cancelAtPeriodEnd ? draft.periodEnd : draft.cancelAt,
    cancel_at_period_end: draft.cancelAtPeriodEnd,
    canceled_at: draft.cancelAtPeriodEnd || draft.cancelAt !== null ? draft.now : null,
    cancellation_details: {
      comment: null,
      feedback: null,
      feedback_option: null,
      reason: draft.cancelAtPeriodEnd || draft.cancelAt !== null ? "cancellation_requested" : null,
    },
    collection_method: "charge_automatically",
    created: draft.now,
    currency,
    customer: draft.customerId,
    customer_account: null,
    days_until_due: null,
    default_payment_method: draft.defaultPaymentMethod,
    default_source: null,
    default_tax_rates: [],
    description: draft.description,
    discounts: [],
    ended_at: null,
    invoice_settings: {
      account_tax_ids: null,
      custom_fields: null,
      description: null,
      footer: null,
      issuer: { type: "self" },
    },
    items: itemsList(id, items),
    latest_invoice: draft.latestInvoice,
    livemode: false,
    managed_payments: null,
    metadata: draft.metadata,
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: { payment_method_options: null, payment_method_types: null, save_default_payment_method: "off" },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: draft.now,
    status: draft.trialEnd === null ? "incomplete" : "trialing",
    test_clock: draft.testClock,
    transfer_data: null,
    trial_end: draft.trialEnd,
    trial_settings: { end_behavior: { billing_cycle_anchor: null, missing_payment_method: "create_invoice" } },
    trial_start: draft.trialEnd === null ? null : draft.now,
  };
}

export function preallocatedInvoiceId(): string {
  return newId("invoice");
}
