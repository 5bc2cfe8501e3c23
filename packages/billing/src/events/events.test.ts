// The webhook log as operators see it (`pnpm billing:events`, `/healthz`): listing, replay
// of failed events, the queue's depth, and retention.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runCustomerSync } from "../jobs/customer-sync-job.ts";
import { CUSTOMER_SYNC_MAX_ATTEMPTS } from "../jobs/queue.ts";
import {
  createMappedSubscriber,
  drainQueue,
  queuedJobs,
  startBillingHarness,
  type BillingHarness,
} from "../testing.ts";
import { handleStripeWebhook } from "../webhooks/handle-stripe-webhook.ts";
import { sign } from "../webhooks/webhook-testing.ts";
import { countEvents, listEvents, retryEvents } from "./event-log.ts";
import { queueHealth } from "./queue-health.ts";
import { pruneWebhookLog, WEBHOOK_RETENTION } from "./retention.ts";

const SECRET = "whsec_test_events";
let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness();
});
afterAll(() => h.close());
beforeEach(async () => {
  await h.control.clearFaults();
  await h.db.webhookLog.deleteMany();
  await h.db.$executeRaw`DELETE FROM graphile_worker._private_jobs`;
});

/** A subscriber whose Stripe events have all been delivered (queued, not yet run). */
async function deliveredSubscriber(name: string) {
  const subscriber = await createMappedSubscriber(h, { name, unitAmount: 1_000 });
  const events = (await h.stripe.events.list({ limit: 100 })).data.filter(
    (event) => (event.data.object as { customer?: string }).customer === subscriber.customer.id,
  );
  for (const event of events) {
    const body = JSON.stringify(event);
    const response = await handleStripeWebhook(
      { db: h.db, stripe: h.stripe, secrets: [SECRET], livemode: false },
      { rawBody: body, signature: sign(h.stripe, body, SECRET) },
    );
    expect(response.status).toBe(200);
  }
  return { ...subscriber, events };
}

/** Runs the customer's sync as its last attempt, with Stripe failing: its events end failed. */
async function failForGood(customerId: string) {
  await h.control.addFault({ path: "/v1/subscriptions*", method: "GET", count: 1, match: customerId });
  await expect(
    runCustomerSync(h, customerId, { attempt: CUSTOMER_SYNC_MAX_ATTEMPTS, maxAttempts: CUSTOMER_SYNC_MAX_ATTEMPTS }),
  ).rejects.toThrow();
  // The queue records the last attempt as the worker would.
  await h.db.$executeRaw`
    UPDATE graphile_worker._private_jobs SET attempts = max_attempts, last_error = 'Stripe unavailable'
    WHERE key = ${`sync:${customerId}`}`;
}

describe("listEvents and countEvents", () => {
  it("list each customer's events with their outcome, newest first, and count them by outcome", async () => {
    const ada = await deliveredSubscriber("Ada's plan");
    const bob = await deliveredSubscriber("Bob's plan");
    const handled = ada.events.filter((event) => event.type !== "invoice.finalized");
    expect(handled.length).toBeGreaterThan(0);

    const adas = await listEvents(h.db, { customerId: ada.customer.id });
    expect(new Set(adas.map((event) => event.id))).toEqual(new Set(ada.events.map((event) => event.id)));
    expect(adas.every((event) => event.customerId === ada.customer.id)).toBe(true);
    const times = adas.map((event) => event.receivedAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(await listEvents(h.db, { customerId: ada.customer.id, limit: 2 })).toHaveLength(2);

    await drainQueue(h);
    const queuedForAda = (await countEvents(h.db, { customerId: ada.customer.id })).queued;
    expect(queuedForAda).toBe(0);
    const all = await countEvents(h.db);
    expect(all.applied + all.ignored).toBe(ada.events.length + bob.events.length);
    expect((await listEvents(h.db, { outcome: "applied" })).every((event) => event.appliedAt !== null)).toBe(true);
  });
});

describe("retryEvents", () => {
  it("queues a customer's failed events again, resets its stopped job, and the sync then applies them", async () => {
    const { customer } = await deliveredSubscriber("Failing plan");
    const bystander = await deliveredSubscriber("Bystander plan");
    await failForGood(customer.id);
    await failForGood(bystander.customer.id);
    const failed = await listEvents(h.db, { outcome: "failed", customerId: customer.id });
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((event) => event.error)).toBe(true);

    const result = await retryEvents(h.db, { failed: true, customerId: customer.id });
    expect(new Set(result.requeued)).toEqual(new Set(failed.map((event) => event.id)));
    expect(result.customers).toEqual([customer.id]);
    const [job] = await h.db.$queryRaw<Array<{ attempts: number; last_error: string | null }>>`
      SELECT attempts, last_error FROM graphile_worker._private_jobs WHERE key = ${`sync:${customer.id}`}`;
    expect(job).toEqual({ attempts: 0, last_error: null });
    // The other customer's failures are left as they are.
    expect((await countEvents(h.db, { customerId: bystander.customer.id })).failed).toBeGreaterThan(0);

    await drainQueue(h);
    const after = await listEvents(h.db, { customerId: customer.id });
    expect(after.filter((event) => failed.some((f) => f.id === event.id)).map((event) => event.outcome)).toEqual(
      failed.map(() => "applied"),
    );
    expect(await h.db.subscription.count({ where: { stripeCustomerId: customer.id } })).toBe(1);
  });

  it("replays events named by id, and says why it refuses the others", async () => {
    const { customer, events } = await deliveredSubscriber("Replayed plan");
    await drainQueue(h);
    const [applied] = await listEvents(h.db, { customerId: customer.id, outcome: "applied" });
    await h.db.webhookLog.create({
      data: { id: "evt_about_no_customer", type: "product.updated", outcome: "applied", stripeCreatedAt: new Date() },
    });

    const result = await retryEvents(h.db, { ids: [applied!.id, "evt_about_no_customer", "evt_unknown"] });
    expect(result).toMatchObject({ requeued: [applied!.id], customers: [customer.id] });
    expect(result.refused).toEqual([
      { id: "evt_about_no_customer", reason: expect.stringMatching(/about no customer/) as string },
      { id: "evt_unknown", reason: "not in the webhook log" },
    ]);
    expect(await queuedJobs(h.db, customer.id)).toHaveLength(1);
    await drainQueue(h);
    expect((await h.db.webhookLog.findUniqueOrThrow({ where: { id: applied!.id } })).outcome).toBe("applied");
    expect(events.length).toBeGreaterThan(0);
  });

  it("changes nothing when nothing matches", async () => {
    expect(await retryEvents(h.db, { failed: true })).toEqual({ requeued: [], customers: [], refused: [] });
    expect(await retryEvents(h.db, { ids: [] })).toEqual({ requeued: [], customers: [], refused: [] });
    expect(await queueHealth(h.db)).toEqual({ depth: 0, oldestAgeSeconds: 0, failed: 0 });
  });
});

describe("queueHealth", () => {
  it("counts the jobs still to run, the age of the oldest, and those that stopped", async () => {
    const first = await deliveredSubscriber("First plan");
    await deliveredSubscriber("Second plan");
    await h.db.$executeRaw`
      UPDATE graphile_worker._private_jobs SET created_at = now() - interval '90 seconds'
      WHERE key = ${`sync:${first.customer.id}`}`;
    expect(await queueHealth(h.db)).toEqual({ depth: 2, oldestAgeSeconds: 90, failed: 0 });

    await failForGood(first.customer.id);
    expect(await queueHealth(h.db)).toMatchObject({ depth: 1, failed: 1 });
    await drainQueue(h);
    expect(await queueHealth(h.db)).toEqual({ depth: 0, oldestAgeSeconds: 0, failed: 1 });
  });
});

describe("pruneWebhookLog", () => {
  it("clears payloads past 30 days, deletes finished rows past 90, and keeps queued and failed ones", async () => {
    const now = new Date("2026-12-02T12:00:00Z");
    const daysAgo = (days: number) => new Date(now.getTime() - days * 24 * 60 * 60 * 1000);
    const row = (id: string, outcome: string, days: number) => ({
      id,
      type: "customer.subscription.updated",
      outcome,
      stripeCustomerId: "cus_pruned",
      stripeCreatedAt: daysAgo(days),
      receivedAt: daysAgo(days),
      payload: { id },
    });
    await h.db.webhookLog.createMany({
      data: [
        row("evt_recent", "applied", WEBHOOK_RETENTION.payloadDays - 1),
        row("evt_month_old", "applied", WEBHOOK_RETENTION.payloadDays + 1),
        row("evt_ignored_old", "ignored", WEBHOOK_RETENTION.rowDays + 1),
        row("evt_applied_old", "applied", WEBHOOK_RETENTION.rowDays + 1),
        row("evt_failed_old", "failed", WEBHOOK_RETENTION.rowDays + 1),
        row("evt_queued_old", "queued", WEBHOOK_RETENTION.rowDays + 1),
      ],
    });

    expect(await pruneWebhookLog(h.db, now)).toEqual({ payloadsCleared: 3, rowsDeleted: 2 });
    const rows = await h.db.webhookLog.findMany({ orderBy: { id: "asc" }, select: { id: true, payload: true } });
    expect(rows).toEqual([
      { id: "evt_failed_old", payload: null },
      { id: "evt_month_old", payload: null },
      { id: "evt_queued_old", payload: null },
      { id: "evt_recent", payload: { id: "evt_recent" } },
    ]);
    expect(await pruneWebhookLog(h.db, now)).toEqual({ payloadsCleared: 0, rowsDeleted: 0 });
  });
});
