import { createUser } from "@saas/db/factories";
import type Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { runCustomerSync } from "../jobs/customer-sync-job.ts";
import { getBillingStatus } from "../status/get-billing-status.ts";
import {
  drainQueue,
  idleInTransaction,
  queuedJobs,
  retryFailedJobsNow,
  startBillingHarness,
  type BillingHarness,
} from "../testing.ts";
import { handleStripeWebhook, type WebhookDeps } from "./handle-stripe-webhook.ts";
import { sign } from "./webhook-testing.ts";

const SECRET = "whsec_test_primary";
let h: BillingHarness;
let deps: WebhookDeps;
beforeAll(async () => {
  h = await startBillingHarness();
  deps = { db: h.db, stripe: h.stripe, secrets: [SECRET], livemode: false };
});
afterAll(() => h.close());
beforeEach(() => h.control.clearFaults());

/** Acceptance only: what the route answers Stripe. */
const deliver = (body: string, signature: string | null = sign(h.stripe, body, SECRET)) =>
  handleStripeWebhook(deps, { rawBody: body, signature });

/** Accepted, then the worker runs what was queued. */
async function deliverAndRun(body: string) {
  const response = await deliver(body);
  await drainQueue(h);
  return response;
}

const logRow = (id: string | undefined) => h.db.webhookLog.findUniqueOrThrow({ where: { id: id ?? "" } });

/** The event's row is still queued, with the reason its job failed. */
async function expectQueuedWithError(id: string | undefined, reason: RegExp = /./) {
  const row = await logRow(id);
  expect(row.outcome).toBe("queued");
  expect(row.error).toMatch(reason);
}

/** Runs `body` while every `operations` write to `table` fails as a real database error would. */
async function whileWritesFail(table: string, operations: string, body: () => Promise<void>): Promise<void> {
  await h.db.$executeRawUnsafe(`
    CREATE OR REPLACE FUNCTION fail_writes() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'injected failure (% on %)', TG_OP, TG_TABLE_NAME; END $$ LANGUAGE plpgsql`);
  await h.db.$executeRawUnsafe(
    `CREATE TRIGGER fail_writes BEFORE ${operations} ON ${table} FOR EACH ROW EXECUTE FUNCTION fail_writes()`,
  );
  try {
    await body();
  } finally {
    await h.db.$executeRawUnsafe(`DROP TRIGGER fail_writes ON ${table}`);
  }
}

/** A mapped user with a subscription made through the API fast path, and the events that produced it. */
async function subscribedCustomer(card = "pm_card_visa") {
  const user = await createUser(h.db);
  const customer = await h.stripe.customers.create({
    email: user.email,
    metadata: { userId: user.id },
    payment_method: card,
    invoice_settings: { default_payment_method: card },
  });
  await h.db.account.update({
    where: { organizationId: user.organization.id },
    data: { stripeCustomerId: customer.id },
  });
  const prices = await h.stripe.prices.list({ lookup_keys: ["wh_monthly"] });
  const price =
    prices.data[0] ??
    (await h.stripe.prices.create({
      currency: "usd",
      unit_amount: 1_500,
      recurring: { interval: "month" },
      lookup_key: "wh_monthly",
      product_data: { name: "Webhook plan" },
    }));
  const subscription = await h.stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
  return { user, customer, subscription };
}

async function eventsFor(objectId: string, type?: string): Promise<Stripe.Event[]> {
  const events = (await h.stripe.events.list({ limit: 100, ...(type ? { type } : {}) })).data;
  return events.filter((e) => (e.data.object as { id?: string }).id === objectId).reverse();
}

async function rowCounts() {
  const [log, subscriptions, notifications] = await Promise.all([
    h.db.webhookLog.count(),
    h.db.subscription.count(),
    h.db.notification.count(),
  ]);
  return { log, subscriptions, notifications };
}

describe("rejections: 400, nothing written", () => {
  it.each<[string, () => { body: string; signature: string | null }]>([
    ["no signature header", () => ({ body: '{"id":"evt_1"}', signature: null })],
    ["empty signature header", () => ({ body: '{"id":"evt_1"}', signature: "" })],
    ["header without v1", () => ({ body: '{"id":"evt_1"}', signature: `t=${Math.floor(Date.now() / 1000)}` })],
    ["wrong secret", () => ({ body: '{"id":"evt_1"}', signature: sign(h.stripe, '{"id":"evt_1"}', "whsec_attacker") })],
    [
      "signature over another body",
      () => ({ body: '{"id":"evt_2"}', signature: sign(h.stripe, '{"id":"evt_1"}', SECRET) }),
    ],
    [
      "timestamp older than 5 minutes",
      () => {
        const body = '{"id":"evt_1"}';
        return { body, signature: sign(h.stripe, body, SECRET, Math.floor(Date.now() / 1000) - 301) };
      },
    ],
    [
      "valid signature over invalid JSON",
      () => ({ body: "{not json", signature: sign(h.stripe, "{not json", SECRET) }),
    ],
    [
      "JSON that is not an event",
      () => ({ body: '{"hello":"world"}', signature: sign(h.stripe, '{"hello":"world"}', SECRET) }),
    ],
    [
      "body over 1 MiB",
      () => {
        const body = JSON.stringify({ id: "evt_big", type: "invoice.paid", padding: "x".repeat(1024 * 1024) });
        return { body, signature: sign(h.stripe, body, SECRET) };
      },
    ],
  ])("%s", async (_name, make) => {
    const before = await rowCounts();
    const { body, signature } = make();
    const response = await deliver(body, signature);
    expect(response.status).toBe(400);
    expect(response.body.outcome).toBe("rejected");
    expect(await rowCounts()).toEqual(before);
  });

  // A real event, so only the signature can refuse it: the bodies above fail the event-shape check anyway.
  it.each<[string, (body: string) => string]>([
    ["a forged signature", () => `t=${Math.floor(Date.now() / 1000)},v1=${"5".repeat(64)}`],
    ["a signature made with another secret", (body) => sign(h.stripe, body, "whsec_attacker")],
  ])("refuses a well-formed Stripe event with %s, writing nothing", async (_name, signatureFor) => {
    const { subscription } = await subscribedCustomer();
    const [created] = await eventsFor(subscription.id, "customer.subscription.created");
    const body = JSON.stringify(created);
    const before = await rowCounts();

    expect(await deliver(body, signatureFor(body))).toMatchObject({
      status: 400,
      body: { outcome: "rejected", reason: "invalid signature" },
    });
    expect(await rowCounts()).toEqual(before);
    expect(await h.db.webhookLog.count({ where: { id: created?.id ?? "" } })).toBe(0);
    expect(await h.db.subscription.count({ where: { stripeSubscriptionId: subscription.id } })).toBe(0);
    // The same bytes signed with our secret are applied: the event itself was fine.
    expect(await deliverAndRun(body)).toMatchObject({ status: 200, body: { outcome: "queued" } });
    expect(await h.db.subscription.count({ where: { stripeSubscriptionId: subscription.id } })).toBe(1);
  });

  it("refuses a live-mode event sent to this test-mode deployment", async () => {
    const { customer } = await subscribedCustomer();
    const [event] = await eventsFor(customer.id, "customer.created");
    const body = JSON.stringify({ ...event, livemode: true });
    const before = await rowCounts();
    expect(await deliver(body)).toMatchObject({
      status: 400,
      body: { reason: "live-mode event sent to a test-mode deployment" },
    });
    expect(await rowCounts()).toEqual(before);
  });

  it("accepts the second secret while rotating", async () => {
    const { customer } = await subscribedCustomer();
    const [event] = await eventsFor(customer.id, "customer.updated");
    const body = JSON.stringify(event ?? (await eventsFor(customer.id))[0]);
    const rotating = { ...deps, secrets: ["whsec_old", SECRET] };
    expect(
      (await handleStripeWebhook(rotating, { rawBody: body, signature: sign(h.stripe, body, SECRET) })).status,
    ).toBe(200);
  });
});

describe("which events are handled", () => {
  // Written out, not imported: dropping a type from the handler's list must fail here.
  it.each([
    "checkout.session.completed",
    "customer.subscription.created",
    "customer.subscription.updated",
    "customer.subscription.deleted",
    "customer.subscription.paused",
    "customer.subscription.resumed",
    "customer.subscription.trial_will_end",
    "invoice.paid",
    "invoice.payment_succeeded",
    "invoice.payment_failed",
    "invoice.payment_action_required",
    "customer.updated",
    "customer.deleted",
  ])("queues the customer's sync for %s", async (type) => {
    const id = `evt_handled_${type.replaceAll(".", "_")}`;
    const kind = type.startsWith("customer.subscription.") ? "subscription" : type.split(".")[0];
    const object =
      kind === "customer"
        ? { id: "cus_handled", object: "customer" }
        : { id: `obj_${id}`, object: kind, customer: "cus_handled" };
    const body = JSON.stringify({ id, object: "event", type, created: 1, livemode: false, data: { object } });
    expect(await deliver(body)).toMatchObject({ status: 200, body: { outcome: "queued" } });
    expect(await logRow(id)).toMatchObject({ outcome: "queued", stripeCustomerId: "cus_handled" });
    expect(await queuedJobs(h.db, "cus_handled")).toHaveLength(1);
  });
});

describe("idempotency and ordering", () => {
  it("acknowledges an unknown event type and changes nothing but the log", async () => {
    const body = JSON.stringify({
      id: "evt_unknown_type",
      object: "event",
      type: "charge.dispute.funds_withdrawn",
      created: 1,
      livemode: false,
      data: { object: { id: "du_1", object: "dispute", customer: "cus_x" } },
    });
    const before = await rowCounts();
    expect(await deliver(body)).toMatchObject({ status: 200, body: { outcome: "ignored" } });
    expect(await rowCounts()).toEqual({ ...before, log: before.log + 1 });
    expect(await h.db.webhookLog.findUniqueOrThrow({ where: { id: "evt_unknown_type" } })).toMatchObject({
      outcome: "ignored",
    });
  });

  it("queues one of 50 concurrent deliveries of the same event, with one job, and answers all 2xx", async () => {
    const { customer, subscription } = await subscribedCustomer();
    const [created] = await eventsFor(subscription.id, "customer.subscription.created");
    const body = JSON.stringify(created);
    const responses = await Promise.all(Array.from({ length: 50 }, () => deliver(body)));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(responses.filter((r) => r.body.outcome === "queued")).toHaveLength(1);
    expect(responses.filter((r) => r.body.outcome === "duplicate")).toHaveLength(49);
    expect(await h.db.webhookLog.count({ where: { id: created?.id ?? "" } })).toBe(1);
    expect(await queuedJobs(h.db, customer.id)).toEqual([
      { task: "billing.sync-customer", key: `sync:${customer.id}` },
    ]);

    await drainQueue(h);
    expect(await h.db.subscription.count({ where: { stripeSubscriptionId: subscription.id } })).toBe(1);
    expect(await logRow(created?.id)).toMatchObject({ outcome: "applied", stripeCustomerId: customer.id });
    // graphile-worker deletes a finished job without the run waiting for it: the row may outlive runOnce briefly.
    await vi.waitFor(async () => expect(await queuedJobs(h.db, customer.id)).toEqual([]));
  });

  it("records the event and its job in one statement: if the job cannot be queued, nothing is stored", async () => {
    const { subscription } = await subscribedCustomer();
    const [created] = await eventsFor(subscription.id, "customer.subscription.created");
    await whileWritesFail("graphile_worker._private_jobs", "INSERT", async () => {
      expect(await deliver(JSON.stringify(created))).toMatchObject({ status: 500, body: { outcome: "failed" } });
      expect(await h.db.webhookLog.count({ where: { id: created?.id ?? "" } })).toBe(0);
    });
    expect(await deliverAndRun(JSON.stringify(created))).toMatchObject({ status: 200, body: { outcome: "queued" } });
    expect(await logRow(created?.id)).toMatchObject({ outcome: "applied" });
  });

  it("coalesces a burst of one customer's events into one job and one read of Stripe", async () => {
    const { user, customer, subscription } = await subscribedCustomer();
    await h.stripe.subscriptions.update(subscription.id, { metadata: { step: "1" } });
    await h.stripe.subscriptions.update(subscription.id, { metadata: { step: "2" } });
    const events = await eventsFor(subscription.id);
    expect(events.length).toBeGreaterThanOrEqual(3);
    for (const event of events) expect((await deliver(JSON.stringify(event))).body.outcome).toBe("queued");
    expect(await queuedJobs(h.db, customer.id)).toHaveLength(1);
    expect((await getBillingStatus(h.db, user.organization.id)).pendingChanges).toBe(true);

    const result = await runCustomerSync(h, customer.id);
    expect(result).toMatchObject({ applied: events.length, stripeRequests: 1, current: true });
    expect((await getBillingStatus(h.db, user.organization.id)).pendingChanges).toBe(false);
    const outcomes = await h.db.webhookLog.findMany({ where: { id: { in: events.map((e) => e.id) } } });
    expect(outcomes.map((row) => row.outcome)).toEqual(events.map(() => "applied"));
    // The job that was queued finds nothing left to do, and asks Stripe nothing.
    expect(await runCustomerSync(h, customer.id)).toMatchObject({ applied: 0, stripeRequests: 0 });
  });

  it("keeps no transaction open while Stripe answers the sync", async () => {
    const { customer, subscription } = await subscribedCustomer();
    const [created] = await eventsFor(subscription.id, "customer.subscription.created");
    expect((await deliver(JSON.stringify(created))).status).toBe(200);
    // The job's read of Stripe hangs until the client gives up (2 s): look at the database meanwhile.
    await h.control.addFault({ path: "/v1/subscriptions*", method: "GET", mode: "hang", count: 1, match: customer.id });
    const job = runCustomerSync(h, customer.id).catch((error: unknown) => error);
    await vi.waitFor(async () => expect(await h.control.faults()).toEqual([]));
    expect(await idleInTransaction(h.db)).toBe(0);
    expect(await job).toBeInstanceOf(Error);
    await expectQueuedWithError(created?.id);
  });

  it("answers a redelivery of an applied event as a duplicate without reading Stripe again", async () => {
    const { customer, subscription } = await subscribedCustomer();
    const [created] = await eventsFor(subscription.id, "customer.subscription.created");
    const body = JSON.stringify(created);
    expect(await deliverAndRun(body)).toMatchObject({ status: 200, body: { outcome: "queued" } });
    // Any read of this customer's subscriptions would now hang until the client gives up.
    await h.control.addFault({ path: "/v1/subscriptions*", method: "GET", count: 1, mode: "hang", match: customer.id });

    const started = performance.now();
    const again = await deliverAndRun(body);
    const ms = performance.now() - started;
    expect(again).toMatchObject({ status: 200, body: { outcome: "duplicate" } });
    expect(await h.control.faults()).toEqual([expect.objectContaining({ path: "/v1/subscriptions*", remaining: 1 })]);
    expect(ms).toBeLessThan(1_000);
    expect(await h.db.webhookLog.count({ where: { id: created?.id ?? "" } })).toBe(1);
  });

  it("converges to Stripe's state whatever the order: updated before created, old after new, same second", async () => {
    const { subscription } = await subscribedCustomer();
    await h.stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
    await h.stripe.subscriptions.update(subscription.id, {
      cancel_at_period_end: false,
      metadata: { note: "renewed" },
    });
    await h.stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
    const events = await eventsFor(subscription.id);
    expect(events[0]?.type).toBe("customer.subscription.created");
    expect(events.filter((e) => e.type === "customer.subscription.updated").length).toBeGreaterThanOrEqual(3);
    // Newest first: the last update, then the older ones, then created.
    for (const event of [...events].reverse()) expect((await deliver(JSON.stringify(event))).status).toBe(200);
    await drainQueue(h);

    const truth = await h.stripe.subscriptions.retrieve(subscription.id);
    const row = await h.db.subscription.findUniqueOrThrow({ where: { stripeSubscriptionId: subscription.id } });
    expect(row).toMatchObject({ status: truth.status, cancelAtPeriodEnd: true });
    expect(row.currentPeriodEnd.getTime()).toBe((truth.items.data[0]?.current_period_end ?? 0) * 1000);
  });

  it("keeps the event queued when the job's write fails, and applies it on the retry", async () => {
    const { subscription } = await subscribedCustomer();
    const [created] = await eventsFor(subscription.id, "customer.subscription.created");
    await whileWritesFail("subscriptions", "INSERT OR UPDATE", async () => {
      expect(await deliverAndRun(JSON.stringify(created))).toMatchObject({ status: 200, body: { outcome: "queued" } });
      // The cause alone: Prisma's message quotes the calling code before it, at any length.
      expect(await logRow(created?.id)).toMatchObject({
        outcome: "queued",
        error: "Database error. Code: `P0001`. Message: `injected failure (INSERT on subscriptions)`",
      });
      expect(await h.db.subscription.count({ where: { stripeSubscriptionId: subscription.id } })).toBe(0);
    });
    expect(await retryFailedJobsNow(h.db)).toBe(1);
    await drainQueue(h);
    expect(await logRow(created?.id)).toMatchObject({ outcome: "applied", error: null });
    expect(await h.db.subscription.count({ where: { stripeSubscriptionId: subscription.id } })).toBe(1);
  });

  it("keeps the event queued while Stripe is down, and marks it failed when the last attempt fails", async () => {
    const { customer, subscription } = await subscribedCustomer();
    const [created] = await eventsFor(subscription.id, "customer.subscription.created");
    await h.control.addFault({ path: "/v1/subscriptions*", method: "GET", count: 2, match: customer.id });
    expect(await deliverAndRun(JSON.stringify(created))).toMatchObject({ status: 200, body: { outcome: "queued" } });
    await expectQueuedWithError(created?.id);

    await expect(runCustomerSync(h, customer.id, { attempt: 12, maxAttempts: 12 })).rejects.toThrow();
    expect(await logRow(created?.id)).toMatchObject({ outcome: "failed" });
    expect(await h.db.subscription.count({ where: { stripeSubscriptionId: subscription.id } })).toBe(0);
  });

  it("acknowledges an event for a customer we don't know, creating nothing", async () => {
    const stranger = await h.stripe.customers.create({ email: "stranger@example.com" });
    const [event] = await eventsFor(stranger.id, "customer.created");
    const body = JSON.stringify({ ...event, type: "customer.updated" });
    const before = await rowCounts();
    expect((await deliverAndRun(body)).status).toBe(200);
    expect(await rowCounts()).toEqual({ ...before, log: before.log + 1 });
    expect(await logRow(event?.id)).toMatchObject({ outcome: "applied" });
  });
});

describe("customer.deleted", () => {
  it("changes nothing when Stripe still has the customer, however well the event is signed", async () => {
    const { user, customer, subscription } = await subscribedCustomer();
    const [created] = await eventsFor(subscription.id, "customer.subscription.created");
    expect((await deliverAndRun(JSON.stringify(created))).status).toBe(200);
    const [customerCreated] = await eventsFor(customer.id, "customer.created");
    const forged = JSON.stringify({ ...customerCreated, id: `evt_forged_${customer.id}`, type: "customer.deleted" });

    expect(await deliverAndRun(forged)).toMatchObject({ status: 200, body: { outcome: "queued" } });
    expect(await logRow(`evt_forged_${customer.id}`)).toMatchObject({ outcome: "applied" });
    expect(
      (await h.db.account.findUniqueOrThrow({ where: { organizationId: user.organization.id } })).stripeCustomerId,
    ).toBe(customer.id);
    const row = await h.db.subscription.findUniqueOrThrow({ where: { stripeSubscriptionId: subscription.id } });
    expect(row).toMatchObject({ status: "active", canceledAt: null, endedAt: null });
  });

  it("ends the subscriptions and unmaps the account when Stripe says the customer is deleted", async () => {
    const { user, customer, subscription } = await subscribedCustomer();
    const [created] = await eventsFor(subscription.id, "customer.subscription.created");
    expect((await deliverAndRun(JSON.stringify(created))).status).toBe(200);
    await h.stripe.customers.del(customer.id);
    const [deleted] = await eventsFor(customer.id, "customer.deleted");

    // Another customer, synced and active: the deletion must not reach it.
    const bystander = await subscribedCustomer();
    const [bystanderCreated] = await eventsFor(bystander.subscription.id, "customer.subscription.created");
    expect((await deliverAndRun(JSON.stringify(bystanderCreated))).status).toBe(200);

    expect(await deliverAndRun(JSON.stringify(deleted))).toMatchObject({ status: 200, body: { outcome: "queued" } });
    expect(
      (await h.db.account.findUniqueOrThrow({ where: { organizationId: user.organization.id } })).stripeCustomerId,
    ).toBeNull();
    expect(
      await h.db.subscription.findUniqueOrThrow({ where: { stripeSubscriptionId: subscription.id } }),
    ).toMatchObject({ status: "canceled" });
    const untouched = await h.db.account.findUniqueOrThrow({
      where: { organizationId: bystander.user.organization.id },
    });
    expect(untouched.stripeCustomerId).toBe(bystander.customer.id);
    expect(
      await h.db.subscription.findUniqueOrThrow({ where: { stripeSubscriptionId: bystander.subscription.id } }),
    ).toMatchObject({ status: "active", canceledAt: null, endedAt: null });
  });

  it("leaves alone an account whose customer Stripe has never heard of", async () => {
    const user = await createUser(h.db, { stripeCustomerId: "cus_never_existed" });
    const body = JSON.stringify({
      id: "evt_deleted_unknown",
      object: "event",
      type: "customer.deleted",
      created: 1,
      livemode: false,
      data: { object: { id: "cus_never_existed", object: "customer" } },
    });
    expect(await deliverAndRun(body)).toMatchObject({ status: 200, body: { outcome: "queued" } });
    expect(await logRow("evt_deleted_unknown")).toMatchObject({ outcome: "applied" });
    expect(
      (await h.db.account.findUniqueOrThrow({ where: { organizationId: user.organization.id } })).stripeCustomerId,
    ).toBe("cus_never_existed");
  });

  it("changes nothing and keeps the event queued when Stripe cannot say whether the customer is deleted", async () => {
    const { user, customer, subscription } = await subscribedCustomer();
    const [created] = await eventsFor(subscription.id, "customer.subscription.created");
    expect((await deliverAndRun(JSON.stringify(created))).status).toBe(200);
    await h.stripe.customers.del(customer.id);
    const [deleted] = await eventsFor(customer.id, "customer.deleted");

    await h.control.addFault({ path: `/v1/customers/${customer.id}`, method: "GET", count: 1 });
    expect(await deliverAndRun(JSON.stringify(deleted))).toMatchObject({ status: 200, body: { outcome: "queued" } });
    expect(
      (await h.db.account.findUniqueOrThrow({ where: { organizationId: user.organization.id } })).stripeCustomerId,
    ).toBe(customer.id);
    await expectQueuedWithError(deleted?.id);
  });
});
