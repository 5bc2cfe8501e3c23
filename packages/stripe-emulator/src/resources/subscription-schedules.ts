// /v1/subscription_schedules: create (from phases, or `from_subscription`), retrieve, list,
// update metadata and end_behavior, release, cancel, with their events. A schedule that starts
// now creates its subscription from the first phase. Phases do not advance on their own yet.
import type Stripe from "stripe";
import type { App } from "../app.ts";
import { customerDefaultCard } from "../billing/invoicing.ts";
import { planFromPrice, recurringPrice } from "../billing/subscription-items.ts";
import { cancelSubscriptionNow, createSubscription, updateSubscription } from "../billing/subscription-lifecycle.ts";
import { commitUpdate } from "../events/commit-update.ts";
import { invalidRequest } from "../http/errors.ts";
import { applyMetadata, type Params } from "../http/params.ts";
import { newId } from "../ids.ts";
import { LIST_PARAMS, paginate } from "../list.ts";
import { reply, requireParam, route, type ApiContext, type Route } from "../router.ts";
import { Store } from "../store.ts";
import { addInterval, clockIdOf, nowFor } from "../time.ts";
import { getOr404, idOf, liveCustomer } from "./lookup.ts";

const END_BEHAVIORS = ["release", "cancel"] as const;

interface PhaseDraft {
  items: Array<{ price: Stripe.Price; quantity: number }>;
  start: number;
  end: number;
  metadata: Record<string, string>;
}

function phaseOf(draft: PhaseDraft): Stripe.SubscriptionSchedule.Phase {
  return {
    add_invoice_items: [],
    application_fee_percent: null,
    billing_cycle_anchor: null,
    billing_thresholds: null,
    collection_method: null,
    currency: draft.items[0]?.price.currency ?? "usd",
    default_payment_method: null,
    description: null,
    discounts: [],
    end_date: draft.end,
    invoice_settings: null,
    items: draft.items.map(({ price, quantity }) => ({
      billing_thresholds: null,
      discounts: [],
      metadata: {},
      plan: planFromPrice(price).id,
      price: price.id,
      quantity,
      tax_rates: [],
    })),
    metadata: draft.metadata,
    on_behalf_of: null,
    proration_behavior: "create_prorations",
    start_date: draft.start,
    transfer_data: null,
    trial_end: null,
  };
}

/**
 * `phases[]`: each starts where the one before ends and lasts its `duration` (or until its
 * `end_date`; one interval of its price by default). `iterations` is gone in this API version.
 */
function readPhases(app: App, input: Params, start: number): PhaseDraft[] {
  const entries = input.childList("phases", [
    "items",
    "duration",
    "end_date",
    "metadata",
    "trial",
    "proration_behavior",
  ]);
  if (entries === undefined || entries.length === 0) {
    throw invalidRequest("Missing required param: phases.", "phases", "parameter_missing");
  }
  let from = start;
  return entries.map((entry) => {
    const items = (entry.childList("items", ["price", "quantity", "metadata"]) ?? []).map((item) => ({
      price: recurringPrice(app, item.requiredString("price"), item.name("price")),
      quantity: item.int("quantity") ?? 1,
    }));
    const first = items[0];
    if (first === undefined)
      throw invalidRequest("Missing required param: items.", entry.name("items"), "parameter_missing");
    const duration = entry.child("duration", ["interval", "interval_count"]);
    const interval =
      duration?.oneOf("interval", ["day", "week", "month", "year"] as const) ??
      first.price.recurring?.interval ??
      "month";
    const count =
      duration?.int("interval_count") ?? (duration === undefined ? (first.price.recurring?.interval_count ?? 1) : 1);
    const end = entry.int("end_date") ?? addInterval(from, interval, count);
    if (end <= from) throw invalidRequest("A phase must end after it starts.", entry.name("end_date"));
    const phase = { items, start: from, end, metadata: applyMetadata(null, entry.metadata()) };
    from = end;
    return phase;
  });
}

function buildSchedule(
  app: App,
  fields: {
    customerId: string;
    created: number;
    phases: PhaseDraft[];
    endBehavior: Stripe.SubscriptionSchedule.EndBehavior;
    metadata: Record<string, string>;
    subscriptionId: string | null;
    status: Stripe.SubscriptionSchedule.Status;
  },
): Stripe.SubscriptionSchedule {
  const current = fields.status === "active" ? fields.phases[0] : undefined;
  return {
    id: newId("subscriptionSchedule"),
    object: "subscription_schedule",
    application: null,
    billing_mode: { flexible: null, type: "classic" },
    canceled_at: null,
    completed_at: null,
    created: fields.created,
    current_phase: current === undefined ? null : { start_date: current.start, end_date: current.end },
    customer: fields.customerId,
    customer_account: null,
    default_settings: {
      application_fee_percent: null,
      billing_cycle_anchor: "automatic",
      billing_thresholds: null,
      collection_method: "charge_automatically",
      default_payment_method: null,
      description: null,
      invoice_settings: {
        account_tax_ids: null,
        custom_fields: null,
        days_until_due: null,
        description: null,
        footer: null,
        issuer: { type: "self" },
      },
      on_behalf_of: null,
      transfer_data: null,
    },
    end_behavior: fields.endBehavior,
    livemode: false,
    metadata: fields.metadata,
    pause_schedules: [],
    phases: fields.phases.map(phaseOf),
    released_at: null,
    released_subscription: null,
    status: fields.status,
    subscription: fields.subscriptionId,
    test_clock: clockIdOf(app.store, fields.customerId),
  };
}

function create(ctx: ApiContext) {
  const { app } = ctx;
  const input = ctx.input.allow([
    "customer",
    "start_date",
    "phases",
    "end_behavior",
    "metadata",
    "from_subscription",
    "default_settings",
    "expand",
  ]);
  const endBehavior = input.oneOf("end_behavior", END_BEHAVIORS) ?? "release";
  const metadata = applyMetadata(null, input.metadata());
  const fromId = input.string("from_subscription");
  if (fromId !== undefined) {
    if (input.has("phases") || input.has("customer")) {
      throw invalidRequest(
        "You cannot set `phases` or `customer` together with `from_subscription`.",
        "from_subscription",
      );
    }
    const sub = getOr404(app.store.subscriptions, fromId, "subscription", "from_subscription");
    if (sub.schedule !== null)
      throw invalidRequest("The subscription is already attached to a schedule.", "from_subscription");
    const item = sub.items.data[0];
    const schedule = buildSchedule(app, {
      customerId: idOf(sub.customer) ?? "",
      created: nowFor(app.store, idOf(sub.customer)),
      phases: [
        {
          items: sub.items.data.map((entry) => ({ price: entry.price, quantity: entry.quantity ?? 1 })),
          start: item?.current_period_start ?? sub.start_date,
          end: item?.current_period_end ?? sub.start_date,
          metadata: {},
        },
      ],
      endBehavior,
      metadata,
      subscriptionId: sub.id,
      status: "active",
    });
    app.store.subscriptionSchedules.set(schedule.id, schedule);
    app.events.emit("subscription_schedule.created", schedule);
    updateSubscription(app, sub, { ...sub, schedule: schedule.id });
    return reply(ctx, schedule);
  }
  const customer = liveCustomer(app, input.requiredString("customer"));
  const now = nowFor(app.store, customer.id);
  const startText = input.string("start_date") ?? "now";
  const start = startText === "now" ? now : input.requiredInt("start_date");
  const phases = readPhases(app, input, start);
  const startsNow = start <= now;
  const first = phases[0];
  const subscription =
    startsNow && first !== undefined
      ? createSubscription(app, {
          customerId: customer.id,
          items: first.items.map((item) => ({ ...item, metadata: {} })),
          defaultPaymentMethod: null,
          trialEnd: null,
          metadata: {},
          description: null,
          cancelAt: null,
          cancelAtPeriodEnd: false,
          // With no card to charge, the subscription waits for one (incomplete) rather than refusing.
          paymentBehavior: customerDefaultCard(customer) !== null ? "allow_incomplete" : "default_incomplete",
        }).subscription
      : null;
  const schedule = buildSchedule(app, {
    customerId: customer.id,
    created: now,
    phases,
    endBehavior,
    metadata,
    subscriptionId: subscription?.id ?? null,
    status: startsNow ? "active" : "not_started",
  });
  app.store.subscriptionSchedules.set(schedule.id, schedule);
  app.events.emit("subscription_schedule.created", schedule);
  if (subscription !== null) {
    const stored = app.store.subscriptions.get(subscription.id) ?? subscription;
    updateSubscription(app, stored, { ...stored, schedule: schedule.id });
  }
  return reply(ctx, schedule);
}

function liveSchedule(ctx: ApiContext, action: string): Stripe.SubscriptionSchedule {
  const schedule = getOr404(ctx.app.store.subscriptionSchedules, requireParam(ctx, "id"), "subscription_schedule");
  if (schedule.status !== "active" && schedule.status !== "not_started") {
    throw invalidRequest(
      `You cannot ${action} a subscription schedule that is ${schedule.status}.`,
      "subscription_schedule",
    );
  }
  return schedule;
}

function update(ctx: ApiContext) {
  const input = ctx.input.allow(["metadata", "end_behavior", "expand"]);
  const before = liveSchedule(ctx, "update");
  const after: Stripe.SubscriptionSchedule = {
    ...before,
    end_behavior: input.oneOf("end_behavior", END_BEHAVIORS) ?? before.end_behavior,
    metadata: applyMetadata(before.metadata, input.metadata()),
  };
  return reply(
    ctx,
    commitUpdate(ctx.app, "subscription_schedule.updated", ctx.app.store.subscriptionSchedules, before, after),
  );
}

/** `release`: the subscription goes on without the schedule. */
function release(ctx: ApiContext) {
  const { app } = ctx;
  ctx.input.allow(["preserve_cancel_date", "expand"]);
  const schedule = liveSchedule(ctx, "release");
  const subId = idOf(schedule.subscription);
  const released: Stripe.SubscriptionSchedule = {
    ...schedule,
    status: "released",
    released_at: nowFor(app.store, idOf(schedule.customer)),
    released_subscription: subId,
    subscription: null,
    current_phase: null,
  };
  app.store.subscriptionSchedules.set(released.id, released);
  const sub = subId === null ? undefined : app.store.subscriptions.get(subId);
  if (sub !== undefined) updateSubscription(app, sub, { ...sub, schedule: null });
  app.events.emit("subscription_schedule.released", released);
  return reply(ctx, released);
}

/** `cancel`: the schedule and its subscription end now. */
function cancel(ctx: ApiContext) {
  const { app } = ctx;
  ctx.input.allow(["invoice_now", "prorate", "expand"]);
  const schedule = liveSchedule(ctx, "cancel");
  const canceled: Stripe.SubscriptionSchedule = {
    ...schedule,
    status: "canceled",
    canceled_at: nowFor(app.store, idOf(schedule.customer)),
    current_phase: null,
  };
  app.store.subscriptionSchedules.set(canceled.id, canceled);
  const sub = app.store.subscriptions.get(idOf(schedule.subscription) ?? "");
  if (sub !== undefined && sub.status !== "canceled") cancelSubscriptionNow(app, sub, "cancellation_requested");
  app.events.emit("subscription_schedule.canceled", canceled);
  return reply(ctx, canceled);
}

export const subscriptionScheduleRoutes: Route[] = [
  route("POST", "/v1/subscription_schedules", create),
  route("GET", "/v1/subscription_schedules", (ctx) => {
    const input = ctx.input.allow([...LIST_PARAMS, "customer", "scheduled", "created"]);
    const customer = input.string("customer");
    const items = Store.newestFirst(ctx.app.store.subscriptionSchedules).filter(
      (schedule) => customer === undefined || idOf(schedule.customer) === customer,
    );
    return reply(ctx, paginate(items, input, "/v1/subscription_schedules"));
  }),
  route("GET", "/v1/subscription_schedules/:id", (ctx) => {
    ctx.input.allow(["expand"]);
    return reply(ctx, getOr404(ctx.app.store.subscriptionSchedules, requireParam(ctx, "id"), "subscription_schedule"));
  }),
  route("POST", "/v1/subscription_schedules/:id", update),
  route("POST", "/v1/subscription_schedules/:id/release", release),
  route("POST", "/v1/subscription_schedules/:id/cancel", cancel),
];
