// Stripe requests per handled event for a realistic mix, in three waves as they happen in a
// month: new customers subscribing through Checkout, a third of them changing plan (billed
// at once), then the month-start renewal of all of them. Each wave's events are delivered
// as one burst right after the activity (Stripe sends them within seconds) and followed
// until applied; the app's Stripe requests over that time are counted outside the app.
import { customerIdOf } from "@saas/billing";
import type pg from "pg";
import type Stripe from "stripe";
import { runPool } from "../load/run-pool.ts";
import { listHandledEvents } from "../seed/build-deliveries.ts";
import type { Stack } from "../stack/start-stack.ts";
import {
  advanceClock,
  createClockCustomers,
  monthlyPrices,
  subscribeThroughCheckout,
  type ClockGroup,
} from "./clock-customers.ts";
import { deliverBurst, toDeliveries, type BurstResult } from "./deliver-burst.ts";

type MixWave = { name: string; events: number; result: BurstResult };
export type MixResult = { customers: number; waves: MixWave[] };

export async function measureStripeMix(options: {
  stack: Stack;
  db: pg.Pool;
  customers: number;
  concurrency: number;
  log: (line: string) => void;
  /** Event ids already delivered, so a wave sends only its own. */
  delivered: Set<string>;
  /** Gets the id of every event this section sends to the app. */
  sent: Set<string>;
}): Promise<MixResult> {
  const { stack, log } = options;
  const stripe = stack.stripe;
  const group = await createClockCustomers(stripe, options.db, {
    count: options.customers,
    label: "mix",
    subscribe: "none",
  });
  const ids = new Set(group.customers.map((c) => c.customerId));
  const waves: MixWave[] = [];
  const wave = async (name: string, act: () => Promise<void>) => {
    await act();
    const events = (await listHandledEvents(stripe, ids)).filter((e) => !options.delivered.has(e.id));
    events.forEach((e) => (options.delivered.add(e.id), options.sent.add(e.id)));
    log(`stripe mix: ${name}, ${events.length} handled events delivered at ${options.concurrency} in flight`);
    const deliveries = toDeliveries(events, (e) => customerIdOf(e) as string);
    const result = await deliverBurst(stack, deliveries, options.concurrency);
    const perEvent = (result.stripe.requests / Math.max(1, events.length)).toFixed(2);
    log(`stripe mix: ${name}: ${result.stripe.requests} Stripe requests, ${perEvent} per event`);
    waves.push({ name, events: events.length, result });
  };
  await wave("checkouts", () => subscribeThroughCheckout(stripe, stack.emulator.url, group));
  await wave("plan changes", () => changePlans(stripe, group));
  // The subscriptions were all created on the clock's day: a month on, they renew together.
  await wave("month-start renewals", () => advanceClock(stripe, group, 31));
  return { customers: group.customers.length, waves };
}

/** One customer in three moves to another monthly price, prorated and invoiced at once. */
async function changePlans(stripe: Stripe, group: ClockGroup): Promise<void> {
  const prices = await monthlyPrices(stripe);
  const movers = group.customers.filter((c, index) => c.subscriptionId && index % 3 === 0);
  await runPool(movers, 8, async (customer, index) => {
    const subscription = await stripe.subscriptions.retrieve(customer.subscriptionId as string);
    const item = subscription.items.data[0];
    if (!item) return;
    const current = typeof item.price === "string" ? item.price : item.price.id;
    const price = prices.find((p) => p !== current) ?? prices[index % prices.length];
    await stripe.subscriptions.update(subscription.id, {
      items: [{ id: item.id, price }],
      proration_behavior: "always_invoice",
    });
  });
}
