// What the handler answers, logs and records for each kind of delivery (webhooks.test.ts drives
// whole flows through it): the response body, the log line, and the webhook_log row's columns.
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queuedJobs, startBillingHarness, type BillingHarness } from "../testing.ts";
import { customerIdOf, handleStripeWebhook, type WebhookDeps, type WebhookLogLine } from "./handle-stripe-webhook.ts";
import { sign } from "./webhook-testing.ts";

const SECRET = "whsec_test_handler";
let h: BillingHarness;
let lines: WebhookLogLine[];
let deps: WebhookDeps;
beforeAll(async () => {
  h = await startBillingHarness();
  deps = { db: h.db, stripe: h.stripe, secrets: [SECRET], livemode: false, log: (line) => lines.push(line) };
});
afterAll(() => h.close());

const CREATED = Date.UTC(2026, 10, 30, 12, 0, 0) / 1000;

const eventBody = (id: string, type: string, object: Record<string, unknown>) =>
  JSON.stringify({ id, object: "event", type, created: CREATED, livemode: false, data: { object } });

async function deliver(body: string, signature: string | null = sign(h.stripe, body, SECRET)) {
  lines = [];
  const response = await handleStripeWebhook(deps, { rawBody: body, signature });
  return { response, lines };
}

function expectTimed(line: WebhookLogLine | undefined) {
  expect(line?.ms).toBeGreaterThanOrEqual(0);
  expect(line?.ms).toBeLessThan(5_000);
}

describe("handleStripeWebhook", () => {
  it("queues a handled event about a customer: 200, and a row with Stripe's time and no appliedAt", async () => {
    const body = eventBody("evt_handler_queued", "invoice.paid", { id: "in_h", object: "invoice", customer: "cus_h" });
    const { response, lines } = await deliver(body);
    expect(response).toEqual({ status: 200, body: { received: true, outcome: "queued" } });
    expect(lines).toEqual([{ event: "evt_handler_queued", type: "invoice.paid", outcome: "queued", ms: lines[0]?.ms }]);
    expectTimed(lines[0]);
    const row = await h.db.webhookLog.findUniqueOrThrow({ where: { id: "evt_handler_queued" } });
    expect(row).toMatchObject({
      type: "invoice.paid",
      outcome: "queued",
      stripeCustomerId: "cus_h",
      stripeCreatedAt: new Date(CREATED * 1000),
      appliedAt: null,
      error: null,
      payload: JSON.parse(body) as unknown,
    });
    expect(await queuedJobs(h.db, "cus_h")).toEqual([{ task: "billing.sync-customer", key: "sync:cus_h" }]);
  });

  it.each<[string, string, Record<string, unknown>, string]>([
    ["an ignored type", "charge.refunded", { id: "ch_h", object: "charge", customer: "cus_ignored" }, "ignored"],
    ["a handled type about no customer", "checkout.session.completed", { id: "cs_h", customer: null }, "applied"],
  ])("records %s as done on arrival, queuing nothing", async (_name, type, object, outcome) => {
    const id = `evt_handler_${outcome}`;
    const { response } = await deliver(eventBody(id, type, object));
    expect(response).toEqual({ status: 200, body: { received: true, outcome } });
    const row = await h.db.webhookLog.findUniqueOrThrow({ where: { id } });
    expect(row.outcome).toBe(outcome);
    expect(row.appliedAt).toBeInstanceOf(Date);
    expect(Math.abs((row.appliedAt?.getTime() ?? 0) - Date.now())).toBeLessThan(60_000);
    expect(await queuedJobs(h.db, "cus_ignored")).toEqual([]);
  });

  it("answers a redelivery as a duplicate, logged as one", async () => {
    const body = eventBody("evt_handler_twice", "customer.updated", { id: "cus_twice", object: "customer" });
    expect((await deliver(body)).response.body.outcome).toBe("queued");
    const { response, lines } = await deliver(body);
    expect(response).toEqual({ status: 200, body: { received: true, outcome: "duplicate" } });
    expect(lines).toMatchObject([{ event: "evt_handler_twice", outcome: "duplicate" }]);
  });

  it("logs a refusal with its reason and no event, and answers not received", async () => {
    const { response, lines } = await deliver(eventBody("evt_handler_unsigned", "invoice.paid", {}), null);
    expect(response).toEqual({
      status: 400,
      body: { received: false, outcome: "rejected", reason: "missing Stripe-Signature header" },
    });
    expect(lines).toEqual([
      { event: null, type: null, outcome: "rejected", reason: "missing Stripe-Signature header", ms: lines[0]?.ms },
    ]);
    expectTimed(lines[0]);
  });

  it("answers 500 with the database's reason, on one line, when the event cannot be recorded", async () => {
    const body = eventBody("evt_handler_broken", "invoice.paid", { id: "in_b", object: "invoice", customer: "cus_b" });
    await h.db.$executeRawUnsafe("ALTER TABLE webhook_log RENAME TO webhook_log_away");
    try {
      const { response, lines } = await deliver(body);
      expect(response.status).toBe(500);
      expect(response.body).toMatchObject({ received: false, outcome: "failed" });
      expect(response.body.reason).toMatch(/webhook_log/);
      expect(response.body.reason).not.toMatch(/\n/);
      expect(response.body.reason).not.toMatch(/^Invalid/);
      expect(lines).toEqual([
        {
          event: "evt_handler_broken",
          type: "invoice.paid",
          outcome: "failed",
          reason: response.body.reason,
          ms: lines[0]?.ms,
        },
      ]);
    } finally {
      await h.db.$executeRawUnsafe("ALTER TABLE webhook_log_away RENAME TO webhook_log");
    }
  });
});

describe("customerIdOf", () => {
  const of = (object: Record<string, unknown>) => customerIdOf({ data: { object } } as unknown as Stripe.Event);

  it("reads the customer from the object itself, its customer id, or its expanded customer", () => {
    expect(of({ object: "customer", id: "cus_self" })).toBe("cus_self");
    expect(of({ object: "invoice", id: "in_1", customer: "cus_ref" })).toBe("cus_ref");
    expect(of({ object: "invoice", id: "in_2", customer: { id: "cus_expanded", object: "customer" } })).toBe(
      "cus_expanded",
    );
    expect(of({ object: "invoice", id: "in_3", customer: null })).toBeNull();
    expect(of({ object: "product", id: "prod_1" })).toBeNull();
    expect(of({ object: "customer" })).toBeNull();
  });
});
