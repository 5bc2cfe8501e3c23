// The chaos run: real Stripe activity over many customers, delivered by the emulator's signed
// webhooks with duplicates, reordering and delays, taken in by the endpoint and applied by
// two job workers meanwhile, while the database fails 5 % of the acceptances and of the
// jobs' transactions. Once the retries settle, our rows must equal Stripe's.
// CHAOS_SIZE=full (pnpm test:chaos) runs 1,000 events over 100 customers; the default is the
// reduced size of the normal test run. CHAOS_SEED seeds the workload's choices.
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncStripe } from "../../src/catalog/stripe-sync.ts";
import { createStripeClient } from "../../src/stripe-client.ts";
import { startBillingHarness, TEST_APP_BASE_URL, type BillingHarness } from "../../src/testing.ts";
import { injectDatabaseFailures, injectedFailureCounts, removeDatabaseFailures } from "./database-chaos.ts";
import { retryFailedJobsNow } from "../../src/testing.ts";
import { convergenceViolations, CONVERGED, listEvents, summarizeDeliveries } from "./oracles.ts";
import { startReceiver, startWorkers, untilQueueSettled, type Receiver, type Workers } from "./webhook-receiver.ts";
import { workloadStripe } from "./standalone-stack.ts";
import { driveActivity } from "./workload.ts";

// Sign-up and first subscription emit 9 events a customer: the reduced size keeps fewer
// customers than 15 so that every scenario (dunning included) still runs.
const BASE =
  process.env.CHAOS_SIZE === "full"
    ? { events: 1_000, customers: 100, lanes: 6 }
    : { events: 200, customers: 10, lanes: 4 };
// At full size sign-ups take 900 of the 1,000 events: CHAOS_EVENTS=3000 buys a richer mix.
const SIZE = {
  ...BASE,
  events: Number(process.env.CHAOS_EVENTS ?? BASE.events),
  customers: Number(process.env.CHAOS_CUSTOMERS ?? BASE.customers),
};
const SEED = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
const CHAOS = { duplicateProbability: 0.2, reorderWindowMs: 300, maxDelayMs: 100 };
const DB_FAILURE_PROBABILITY = 0.05;
/** Short waits, many retries: an event fails 9 times in a row at 5 % about once in 10^11. */
const RETRY_SCHEDULE_MS = [100, 200, 400, 800, 1_000, 1_500, 2_000, 2_000];

let h: BillingHarness;
/** The workload's and the checks' own client: patient, because the machine may be busy and they are not under test. */
let stripe: Stripe;
let receiver: Receiver;
let workers: Workers;
let prices: string[];
const eventsBefore = new Set<string>();

beforeAll(async () => {
  h = await startBillingHarness();
  stripe = workloadStripe(h.emulator.url);
  prices = Object.values((await syncStripe(stripe, { appBaseUrl: TEST_APP_BASE_URL, apply: true })).priceIds);
  // The handler gets the production client settings (10 s timeout, 2 retries), not the harness's fail-fast ones.
  const handlerStripe = createStripeClient({ secretKey: "sk_test_handler", apiBase: h.emulator.url });
  // Every event type, as a dashboard endpoint would: ignored types must be logged once too.
  receiver = await startReceiver({ db: h.db, handlerStripe, admin: stripe, enabledEvents: ["*"] });
  workers = await startWorkers({
    databaseUrl: h.database.url,
    db: h.db,
    stripe: handlerStripe,
    count: 2,
    concurrency: 2,
  });
  for (const event of await listEvents(stripe)) eventsBefore.add(event.id);
  await h.control.setSettings({ webhookRetryScheduleMs: RETRY_SCHEDULE_MS });
  await h.control.setChaos(CHAOS);
  await injectDatabaseFailures(h.db, DB_FAILURE_PROBABILITY);
});

afterAll(async () => {
  await workers.stop();
  await receiver.endpoint.close();
  await h.close();
});

describe(`chaos run (${SIZE.events} events over ${SIZE.customers} customers, seed ${SEED})`, () => {
  it(
    "converges to Stripe's truth with every event logged and applied exactly once",
    async () => {
      const emitted = () => [...h.emulator.app.store.events.keys()].filter((id) => !eventsBefore.has(id)).length;
      const started = Date.now();
      const { customers, stats } = await driveActivity(h.db, stripe, { ...SIZE, seed: SEED, prices, emitted });
      const activityMs = Date.now() - started;
      expect(await h.control.waitForDeliveries(SIZE.events * 200)).toBe(true);
      const injected = await injectedFailureCounts(h.db);
      await removeDatabaseFailures(h.db);
      // Jobs that failed on an injected failure wait out their back-off: run them now.
      await retryFailedJobsNow(h.db);
      await untilQueueSettled(h.db);
      const settleMs = Date.now() - started - activityMs;
      const jobs = workers.lines;

      const events = (await listEvents(stripe)).filter((event) => !eventsBefore.has(event.id));
      const records = await h.control.deliveries({ endpoint: receiver.endpointId });
      const summary = summarizeDeliveries(records, events);
      const { lines } = receiver;
      const failedAtDatabase = new Set(lines.filter((line) => line.outcome === "failed").map((line) => line.event));
      const notifications = Object.fromEntries(
        (await h.db.notification.groupBy({ by: ["kind"], _count: true })).map((g) => [g.kind, g._count]),
      );
      console.info(
        JSON.stringify({
          seed: SEED,
          emitted: events.length,
          ...summary,
          injectedDbFailures: injected.failures,
          dbRolls: injected.rolls,
          failedEvents: failedAtDatabase.size,
          jobRuns: jobs.length,
          failedJobRuns: jobs.filter((line) => !line.ok).length,
          stripeReadsPerHandledEvent: Number(
            (jobs.reduce((sum, line) => sum + (line.stripeRequests ?? 0), 0) / Math.max(1, summary.events)).toFixed(3),
          ),
          activityMs,
          settleMs,
          stats,
          notifications,
        }),
      );

      // Soft: a broken run reports every property it violates, not only the first.
      // The emulator keeps 10,000 records: more would hide deliveries from these checks.
      expect(records.length).toBeLessThan(10_000);
      // Every event Stripe emitted was sent to the endpoint...
      expect.soft(events.filter((event) => !records.some((r) => r.eventId === event.id)).map((e) => e.id)).toEqual([]);
      // ...acknowledged in the end, logged, accepted and applied once; our rows equal Stripe's.
      expect
        .soft(
          await convergenceViolations({
            db: h.db,
            stripe,
            records,
            summary,
            lines,
            customerIds: customers.map((c) => c.customerId),
          }),
        )
        .toEqual(CONVERGED);
      expect.soft(await h.db.webhookLog.count()).toBe(summary.events);
      // Failed deliveries were retried and then taken in: never "duplicate" without being recorded.
      const accepted = (id: string | null) =>
        lines.some((l) => l.event === id && (l.outcome === "queued" || l.outcome === "applied"));
      expect.soft([...failedAtDatabase].filter((id) => !accepted(id))).toEqual([]);

      // The run was hostile enough to mean something.
      expect(events.length).toBeGreaterThanOrEqual(SIZE.events);
      expect(summary.duplicates).toBeGreaterThan(0);
      expect(summary.reordered).toBeGreaterThan(0);
      expect(injected.failures).toBeGreaterThan(0);
      expect(jobs.some((line) => !line.ok)).toBe(true);
      expect(summary.retries).toBeGreaterThan(0);
    },
    SIZE.events * 600,
  );
});
