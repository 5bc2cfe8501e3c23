// A month-start renewal burst: enough customers on one test clock that advancing it a month
// makes the wanted number of handled events (three per renewal: the subscription's update,
// invoice.paid, invoice.payment_succeeded), all delivered at once at the given concurrency.
// The emulator applies Stripe's test-mode rate limit (25 requests a second per key) meanwhile.
// Reports 5xx answers, Stripe's 429s (the proxy sees every status the emulator answers),
// lost events and the time until all were applied.
import { customerIdOf } from "@saas/billing";
import { EmulatorControlClient } from "@saas/stripe-emulator";
import type pg from "pg";
import { listHandledEvents } from "../seed/build-deliveries.ts";
import type { Stack } from "../stack/start-stack.ts";
import { advanceClock, createClockCustomers } from "./clock-customers.ts";
import { deliverBurst, toDeliveries, type BurstResult } from "./deliver-burst.ts";

const HANDLED_PER_RENEWAL = 3;
/** Stripe's test-mode limit per key: the burst runs under it, as it would against Stripe. */
const TEST_MODE_RATE_LIMIT = 25;

export type RenewalBurstResult = { customers: number; events: number; result: BurstResult };

export async function measureRenewalBurst(options: {
  stack: Stack;
  db: pg.Pool;
  events: number;
  concurrency: number;
  log: (line: string) => void;
  delivered: Set<string>;
  /** Gets the id of every event this section sends to the app. */
  sent: Set<string>;
}): Promise<RenewalBurstResult> {
  const { stack, log } = options;
  const count = Math.ceil(options.events / HANDLED_PER_RENEWAL);
  log(`renewal burst: ${count} customers on a test clock`);
  const group = await createClockCustomers(stack.stripe, options.db, { count, label: "burst", subscribe: "api" });
  const ids = new Set(group.customers.map((c) => c.customerId));
  // Their sign-up events happened weeks before the renewal: not part of the burst.
  (await listHandledEvents(stack.stripe, ids)).forEach((e) => options.delivered.add(e.id));
  await advanceClock(stack.stripe, group, 31);
  const events = (await listHandledEvents(stack.stripe, ids))
    .filter((e) => !options.delivered.has(e.id))
    .slice(0, options.events);
  events.forEach((e) => (options.delivered.add(e.id), options.sent.add(e.id)));
  log(`renewal burst: ${events.length} handled events at ${options.concurrency} in flight`);
  // The rest of the bench measures the app's own costs with the limit off; this section is about the limit.
  const control = new EmulatorControlClient(stack.emulator.url);
  await control.setSettings({ rateLimit: TEST_MODE_RATE_LIMIT });
  const result = await deliverBurst(
    stack,
    toDeliveries(events, (e) => customerIdOf(e) as string),
    options.concurrency,
  ).finally(() => control.setSettings({ rateLimit: "off" }));
  const limited = result.stripe.byStatus["429"] ?? 0;
  log(
    `renewal burst: ${result.serverErrors} 5xx, ${limited} Stripe 429s, ` +
      `converged in ${result.convergence.seconds?.toFixed(1) ?? "–"} s`,
  );
  return { customers: count, events: events.length, result };
}
