// A database outage during a burst of deliveries: PostgreSQL (a server of this file's own) is
// stopped while Stripe keeps sending, then started again on the same port and data folder.
// The endpoint must answer 5xx while it is down, so that the emulator's retries bring every
// event in once it is back, each logged once; the jobs they queued then make our rows equal
// to Stripe's.
import type { EmulatorControlClient } from "@saas/stripe-emulator";
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStripeClient } from "../../src/stripe-client.ts";
import { drainQueue } from "../../src/testing.ts";
import {
  listEvents,
  logGaps,
  notAcceptedOnce,
  notApplied,
  subscriptionMismatches,
  summarizeDeliveries,
} from "./oracles.ts";
import type { RestartableDatabase } from "./restartable-database.ts";
import { startStandaloneStack, type StandaloneStack } from "./standalone-stack.ts";
import { startReceiver, until, type Receiver } from "./webhook-receiver.ts";
import { seededRandom } from "../../src/seeded-random.ts";
import { emptyStats, signUp, step, type Customer } from "./workload.ts";

const SIZE =
  process.env.CHAOS_SIZE === "full"
    ? { customers: 20, failuresDuringOutage: 60 }
    : { customers: 6, failuresDuringOutage: 15 };
const SEED = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
/** About 20 s of retries in all: longer than the outage, short enough for a test. */
const RETRY_SCHEDULE_MS = [200, 400, 800, 1_500, 2_500, 3_000, 4_000, 4_000, 4_000];
// Every event type, ignored ones included: with the database down, logging an ignored
// event must fail with a 5xx too, not throw.
const SUBSCRIBED: Stripe.WebhookEndpointCreateParams.EnabledEvent[] = ["*"];

let stack: StandaloneStack;
let pg: RestartableDatabase;
let control: EmulatorControlClient;
let stripe: Stripe;
let receiver: Receiver;
let prices: string[];
let handlerStripe: Stripe;

beforeAll(async () => {
  stack = await startStandaloneStack({ webhookRetryScheduleMs: RETRY_SCHEDULE_MS });
  ({ pg, control, stripe, prices } = stack);
  handlerStripe = createStripeClient({ secretKey: "sk_test_handler", apiBase: stack.emulator.url });
  receiver = await startReceiver({ db: pg.db, handlerStripe, admin: stripe, enabledEvents: SUBSCRIBED });
}, 180_000);

afterAll(async () => {
  await receiver?.endpoint.close();
  await stack?.close();
});

describe(`database outage (${SIZE.customers} customers, seed ${SEED})`, () => {
  it("answers 5xx while PostgreSQL is down; the retries bring every event in once it is back", async () => {
    const stats = emptyStats();
    const customers: Customer[] = [];
    for (let i = 0; i < SIZE.customers; i++) {
      const customer = await signUp(pg.db, stripe, seededRandom(SEED + i));
      customers.push(customer);
      await stripe.subscriptions.create({
        customer: customer.customerId,
        items: [{ price: prices[i % prices.length] ?? "" }],
      });
    }
    expect(await control.waitForDeliveries(60_000)).toBe(true);

    // The burst: every customer keeps changing until the database has been down and back.
    let bursting = true;
    const burst = (async () => {
      while (bursting) await Promise.all(customers.map((customer) => step(stripe, customer, prices, stats)));
    })();
    const { lines } = receiver;
    const appliedBefore = lines.length;
    await until(() => lines.length >= appliedBefore + 10, "deliveries before the outage");
    await pg.stop();
    const downAt = Date.now();
    // Long enough for retries to fail too, not only first attempts.
    await until(
      () => Date.now() - downAt > 1_500 && lines.filter((l) => l.at > downAt).length >= SIZE.failuresDuringOutage,
      "deliveries during the outage",
    );
    const upAt = Date.now();
    await pg.start();
    await until(() => lines.some((l) => l.at > upAt && l.outcome === "queued"), "deliveries after the restart");
    bursting = false;
    await burst;
    expect(await control.waitForDeliveries(120_000)).toBe(true);
    // What was accepted is on the queue: the worker runs it now.
    await drainQueue({ db: pg.db, stripe: handlerStripe, database: pg });

    const records = await control.deliveries({ endpoint: receiver.endpointId });
    const summary = summarizeDeliveries(records, await listEvents(stripe));
    const outage = lines.filter((l) => l.at > downAt && l.at < upAt);
    const failedInOutage = new Set(outage.map((l) => l.event));
    console.info(
      JSON.stringify({
        seed: SEED,
        outageMs: upAt - downAt,
        answeredDuringOutage: outage.length,
        eventsFailedInOutage: failedInOutage.size,
        ...summary,
        stats,
      }),
    );

    // Soft: a broken run reports every property it violates, not only the first.
    // While the database was down, nothing was acknowledged: every answer was a 5xx "failed".
    expect.soft(outage.length).toBeGreaterThanOrEqual(SIZE.failuresDuringOutage);
    expect.soft(outage.filter((l) => l.outcome !== "failed")).toEqual([]);
    // ...and Stripe's side saw it: a 5xx for each of those events, the answer that makes it retry.
    const saw5xx = new Set(records.filter((r) => r.status !== null && r.status >= 500).map((r) => r.eventId));
    expect.soft([...failedInOutage].filter((id) => id && !saw5xx.has(id))).toEqual([]);
    // Each of those events was taken in later by a retry after the restart: queued (or applied
    // with nothing to do), or logged as ignored for types the handler does not act on.
    const takenInAfter = (id: string | null) =>
      lines.some((l) => l.event === id && ["queued", "applied", "ignored"].includes(l.outcome) && l.at > upAt);
    expect.soft([...failedInOutage].filter((id) => !takenInAfter(id))).toEqual([]);
    expect.soft(notAcceptedOnce(lines)).toEqual([]);
    expect.soft(await notApplied(pg.db)).toEqual([]);
    // Every event the endpoint was sent was acknowledged in the end and logged exactly once.
    expect.soft(summary.neverAcknowledged).toEqual([]);
    expect.soft(await logGaps(pg.db, records)).toEqual({ missing: [], unexpected: [] });
    expect.soft(await pg.db.webhookLog.count()).toBe(summary.events);
    expect
      .soft(
        await subscriptionMismatches(
          pg.db,
          stripe,
          customers.map((c) => c.customerId),
        ),
      )
      .toEqual([]);
  }, 300_000);
});
