// The worker's entry to the customer sync: what it reads from the job, the log line it writes
// for each run, and the payloads it refuses.
import type { JobHelpers } from "graphile-worker";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createMappedSubscriber, startBillingHarness, type BillingHarness } from "../testing.ts";
import { handleStripeWebhook } from "../webhooks/handle-stripe-webhook.ts";
import { sign } from "../webhooks/webhook-testing.ts";
import { CUSTOMER_SYNC_TASK, parseCustomerSyncPayload } from "./queue.ts";
import { billingTasks, type JobLogLine } from "./tasks.ts";

const SECRET = "whsec_test_tasks";
let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness();
});
afterAll(() => h.close());
beforeEach(() => h.control.clearFaults());

/** A subscriber whose subscription.created event is recorded and waiting for its sync. */
async function waitingSubscriber(name: string) {
  const subscriber = await createMappedSubscriber(h, { name, unitAmount: 1_000 });
  const events = await h.stripe.events.list({ type: "customer.subscription.created", limit: 100 });
  const created = events.data.find((e) => (e.data.object as { id: string }).id === subscriber.subscription.id);
  const body = JSON.stringify(created);
  const response = await handleStripeWebhook(
    { db: h.db, stripe: h.stripe, secrets: [SECRET], livemode: false },
    { rawBody: body, signature: sign(h.stripe, body, SECRET) },
  );
  expect(response.body.outcome).toBe("queued");
  return { ...subscriber, eventId: created?.id ?? "" };
}

/** Runs the task as the worker would, for a job with this id and these attempts. */
async function runTask(payload: unknown, job: { attempts: number; max_attempts: number }) {
  const lines: JobLogLine[] = [];
  const task = billingTasks(h, (line) => lines.push(line))[CUSTOMER_SYNC_TASK];
  if (!task) throw new Error("no customer sync task");
  const helpers = { job: { id: "4711", ...job } } as unknown as JobHelpers;
  const outcome = await Promise.resolve(task(payload, helpers)).then(
    () => null,
    (error: unknown) => error,
  );
  return { lines, outcome };
}

describe("the customer sync task", () => {
  it("syncs the customer and logs the job, its attempt, and what it applied", async () => {
    const { customer, subscription } = await waitingSubscriber("Task plan");
    const { lines, outcome } = await runTask({ customerId: customer.id }, { attempts: 1, max_attempts: 12 });
    expect(outcome).toBeNull();
    expect(lines).toEqual([
      {
        task: CUSTOMER_SYNC_TASK,
        job: "4711",
        attempt: 1,
        customer: customer.id,
        ok: true,
        applied: 1,
        stripeRequests: 1,
        ms: lines[0]?.ms,
      },
    ]);
    expect(lines[0]?.ms).toBeGreaterThanOrEqual(0);
    expect(lines[0]?.ms).toBeLessThan(10_000);
    expect(await h.db.subscription.count({ where: { stripeSubscriptionId: subscription.id } })).toBe(1);
  });

  it("logs a failed run with its error and rethrows it, marking the events failed on the last attempt", async () => {
    const { customer, eventId } = await waitingSubscriber("Failing task plan");
    await h.control.addFault({ path: "/v1/subscriptions*", method: "GET", count: 2, match: customer.id });

    const early = await runTask({ customerId: customer.id }, { attempts: 3, max_attempts: 4 });
    expect(early.outcome).toBeInstanceOf(Error);
    expect(early.lines).toEqual([
      {
        task: CUSTOMER_SYNC_TASK,
        job: "4711",
        attempt: 3,
        customer: customer.id,
        ok: false,
        error: (early.outcome as Error).message,
        ms: early.lines[0]?.ms,
      },
    ]);
    expect(early.lines[0]?.ms).toBeLessThan(10_000);
    expect((await h.db.webhookLog.findUniqueOrThrow({ where: { id: eventId } })).outcome).toBe("queued");

    const last = await runTask({ customerId: customer.id }, { attempts: 4, max_attempts: 4 });
    expect(last.lines[0]).toMatchObject({ attempt: 4, ok: false });
    expect((await h.db.webhookLog.findUniqueOrThrow({ where: { id: eventId } })).outcome).toBe("failed");
  });

  it("refuses a payload that names no customer, before any work", async () => {
    const { lines, outcome } = await runTask({ customer: "cus_wrong_field" }, { attempts: 1, max_attempts: 12 });
    expect(outcome).toEqual(new Error("not a customer sync payload: [object Object]"));
    expect(lines).toEqual([]);
  });
});

describe("parseCustomerSyncPayload", () => {
  it("takes the customer id and the rate-limited runs so far, and refuses anything else", () => {
    expect(parseCustomerSyncPayload({ customerId: "cus_ok" })).toEqual({ customerId: "cus_ok", rateLimited: 0 });
    expect(parseCustomerSyncPayload({ customerId: "cus_ok", rateLimited: 2.7 })).toEqual({
      customerId: "cus_ok",
      rateLimited: 2,
    });
    expect(parseCustomerSyncPayload({ customerId: "cus_ok", rateLimited: -1 })).toEqual({
      customerId: "cus_ok",
      rateLimited: 0,
    });
    expect(() => parseCustomerSyncPayload({ customerId: "" })).toThrow("not a customer sync payload: [object Object]");
    expect(() => parseCustomerSyncPayload({ customerId: 42 })).toThrow("not a customer sync payload");
    expect(() => parseCustomerSyncPayload(null)).toThrow("not a customer sync payload: null");
    expect(() => parseCustomerSyncPayload("cus_bare")).toThrow("not a customer sync payload: cus_bare");
  });
});
