// A customer's sync that Stripe rate-limits backs off: it runs again later with no attempt
// spent and its events still queued, new events join it without pulling it forward, and it
// applies them all once Stripe answers again.
import type Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createMappedSubscriber,
  drainQueue,
  makeScheduledJobsDueNow,
  startBillingHarness,
  type BillingHarness,
} from "../testing.ts";
import { handleStripeWebhook } from "../webhooks/handle-stripe-webhook.ts";
import { sign } from "../webhooks/webhook-testing.ts";
import { runCustomerSync } from "./customer-sync-job.ts";
import { rateLimitBackoffMs } from "./rate-limit-backoff.ts";
import type { JobLogLine } from "./tasks.ts";

const SECRET = "whsec_rate_limited";
let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness();
});
afterAll(() => h.close());
beforeEach(() => h.control.clearFaults());

async function deliver(event: Stripe.Event | undefined) {
  const rawBody = JSON.stringify(event);
  const deps = { db: h.db, stripe: h.stripe, secrets: [SECRET], livemode: false };
  return handleStripeWebhook(deps, { rawBody, signature: sign(h.stripe, rawBody, SECRET) });
}

async function eventOf(objectId: string, type: string): Promise<Stripe.Event | undefined> {
  const events = await h.stripe.events.list({ type, limit: 100 });
  return events.data.find((e) => (e.data.object as { id?: string }).id === objectId);
}

async function invoicePaidOf(customerId: string): Promise<Stripe.Event | undefined> {
  const events = await h.stripe.events.list({ type: "invoice.paid", limit: 100 });
  return events.data.find((e) => (e.data.object as Stripe.Invoice).customer === customerId);
}

type JobRow = {
  attempts: number;
  runAt: Date;
  due: boolean;
  payload: { rateLimited?: number };
  lastError: string | null;
};

async function jobsOf(customerId: string): Promise<JobRow[]> {
  return h.db.$queryRaw<JobRow[]>`
    SELECT attempts, run_at AS "runAt", run_at <= now() AS due, payload, last_error AS "lastError"
    FROM graphile_worker._private_jobs WHERE key = ${`sync:${customerId}`}`;
}

/** Every read of this customer's subscriptions answers 429, more often than the client re-sends. */
const rateLimitReadsOf = (customerId: string) =>
  h.control.addFault({
    path: "/v1/subscriptions*",
    method: "GET",
    mode: "rate_limit",
    match: customerId,
    count: 1_000,
  });

/** Runs the due jobs; the log lines of this customer's. */
async function drainLogged(customerId: string): Promise<JobLogLine[]> {
  const lines: JobLogLine[] = [];
  await drainQueue(h, (line) => lines.push(line));
  return lines.filter((line) => line.customer === customerId);
}

describe("a customer sync under Stripe's rate limit", () => {
  it("backs off without spending attempts or failing events, and applies them once the limit clears", async () => {
    const { customer, subscription } = await createMappedSubscriber(h, { name: "Limited", unitAmount: 900 });
    const created = await eventOf(subscription.id, "customer.subscription.created");
    await rateLimitReadsOf(customer.id);
    expect(await deliver(created)).toMatchObject({ status: 200, body: { outcome: "queued" } });

    const [first] = await drainLogged(customer.id);
    expect(first).toMatchObject({ customer: customer.id, ok: true, backedOff: { rateLimited: 1 } });
    expect(first?.backedOff?.retryInMs).toBeGreaterThanOrEqual(2_000);
    let [job] = await jobsOf(customer.id);
    expect(job).toMatchObject({ attempts: 0, due: false, payload: { rateLimited: 1 }, lastError: null });
    const row = () => h.db.webhookLog.findUniqueOrThrow({ where: { id: created?.id ?? "" } });
    expect(await row()).toMatchObject({ outcome: "queued", error: null, appliedAt: null });

    // Turned back again: the wait doubles, still no attempt spent.
    await makeScheduledJobsDueNow(h.db);
    const [second] = await drainLogged(customer.id);
    expect(second).toMatchObject({ ok: true, backedOff: { rateLimited: 2 } });
    expect(second?.backedOff?.retryInMs).toBeGreaterThanOrEqual(4_000);
    [job] = await jobsOf(customer.id);
    expect(job).toMatchObject({ attempts: 0, due: false, payload: { rateLimited: 2 } });

    // A new event joins the waiting job and keeps its time.
    const invoicePaid = await invoicePaidOf(customer.id);
    expect(await deliver(invoicePaid)).toMatchObject({ status: 200, body: { outcome: "queued" } });
    const jobs = await jobsOf(customer.id);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]?.runAt).toEqual(job?.runAt);
    expect(jobs[0]?.due).toBe(false);

    await h.control.clearFaults();
    await makeScheduledJobsDueNow(h.db);
    const [applied] = await drainLogged(customer.id);
    expect(applied).toMatchObject({ ok: true, applied: 2 });
    expect(applied?.backedOff).toBeUndefined();
    expect(await jobsOf(customer.id)).toEqual([]);
    expect(await row()).toMatchObject({ outcome: "applied", error: null });
    expect(await h.db.webhookLog.findUniqueOrThrow({ where: { id: invoicePaid?.id ?? "" } })).toMatchObject({
      outcome: "applied",
    });
    expect(await h.db.subscription.findUnique({ where: { stripeSubscriptionId: subscription.id } })).toMatchObject({
      status: "active",
      stripeCustomerId: customer.id,
    });
  });

  it("leaves the events queued, never failed, when its last attempt is rate-limited", async () => {
    const { customer, subscription } = await createMappedSubscriber(h, { name: "Last try", unitAmount: 700 });
    const created = await eventOf(subscription.id, "customer.subscription.created");
    await deliver(created);
    await rateLimitReadsOf(customer.id);
    await expect(runCustomerSync(h, customer.id, { attempt: 12, maxAttempts: 12 })).rejects.toMatchObject({
      cause: { statusCode: 429 },
    });
    expect(await h.db.webhookLog.findUniqueOrThrow({ where: { id: created?.id ?? "" } })).toMatchObject({
      outcome: "queued",
      error: null,
    });
  });

  it("still fails the events on the last attempt when Stripe errs otherwise", async () => {
    const { customer, subscription } = await createMappedSubscriber(h, { name: "Broken", unitAmount: 800 });
    const created = await eventOf(subscription.id, "customer.subscription.created");
    await deliver(created);
    await h.control.addFault({ path: "/v1/subscriptions*", method: "GET", match: customer.id, count: 1_000 });
    await expect(runCustomerSync(h, customer.id, { attempt: 12, maxAttempts: 12 })).rejects.toThrow();
    expect(await h.db.webhookLog.findUniqueOrThrow({ where: { id: created?.id ?? "" } })).toMatchObject({
      outcome: "failed",
    });
  });
});

describe("enqueueing beside a waiting job", () => {
  it("still makes a job waiting out a failure's back-off due at once, its attempts reset", async () => {
    const { customer, subscription } = await createMappedSubscriber(h, { name: "Failing", unitAmount: 600 });
    await h.control.addFault({ path: "/v1/subscriptions*", method: "GET", match: customer.id, count: 1_000 });
    await deliver(await eventOf(subscription.id, "customer.subscription.created"));
    const failed = await drainLogged(customer.id);
    expect(failed).toEqual([expect.objectContaining({ customer: customer.id, ok: false })]);
    expect(await jobsOf(customer.id)).toEqual([expect.objectContaining({ attempts: 1, due: false })]);

    await deliver(await invoicePaidOf(customer.id));
    expect(await jobsOf(customer.id)).toEqual([expect.objectContaining({ attempts: 0, due: true })]);
  });
});

describe("rateLimitBackoffMs", () => {
  it("doubles from 2 s up to 5 minutes, plus up to half again of jitter", () => {
    expect([0, 1, 2, 7, 8, 50].map((n) => rateLimitBackoffMs(n, () => 0))).toEqual([
      2_000, 4_000, 8_000, 256_000, 300_000, 300_000,
    ]);
    expect([0, 1, 8].map((n) => rateLimitBackoffMs(n, () => 1))).toEqual([3_000, 6_000, 450_000]);
  });
});
