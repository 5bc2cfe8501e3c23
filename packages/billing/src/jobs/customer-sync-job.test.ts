// runCustomerSync on cases the webhook flows do not reach: a deleted customer whose
// subscriptions Stripe no longer has, the rows a deletion leaves alone, events received after
// the read began, the requests it counts, and how much of an error it keeps.
import { createUser } from "@saas/db/factories";
import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createMappedSubscriber, startBillingHarness, type BillingHarness } from "../testing.ts";
import { runCustomerSync } from "./customer-sync-job.ts";

let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness();
});
afterAll(() => h.close());
beforeEach(() => h.control.clearFaults());

/** Records an event about the customer as the webhook would, waiting for its sync. */
async function queueEvent(
  customerId: string,
  type: string,
  object: Record<string, string | undefined>,
  receivedAt = new Date(),
) {
  const id = `evt_${type.replaceAll(".", "_")}_${customerId}_${receivedAt.getTime()}`;
  const payload = { id, object: "event", type, created: 1, livemode: false, data: { object } };
  await h.db.webhookLog.create({
    data: {
      id,
      type,
      outcome: "queued",
      stripeCustomerId: customerId,
      stripeCreatedAt: new Date(),
      receivedAt,
      payload,
    },
  });
  return id;
}

const outcomeOf = async (id: string) => (await h.db.webhookLog.findUniqueOrThrow({ where: { id } })).outcome;

/** The harness's client, except that Stripe answers 404 for the customer's subscriptions. */
function subscriptionsGone(): Stripe {
  const notFound = new Stripe.errors.StripeInvalidRequestError({
    type: "invalid_request_error",
    message: "No such customer",
    statusCode: 404,
  });
  const list = () => ({ [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(notFound) }) });
  return Object.assign(Object.create(h.stripe) as Stripe, { subscriptions: { list } });
}

/** A row of ours for the customer's account, as an earlier sync would have left it. */
async function storedRow(customerId: string, id: string, status: string, endedAt: Date | null) {
  const account = await h.db.account.findUniqueOrThrow({ where: { stripeCustomerId: customerId } });
  return h.db.subscription.create({
    data: {
      accountId: account.id,
      stripeSubscriptionId: id,
      stripeCustomerId: customerId,
      status,
      stripePriceId: "price_stored",
      stripeProductId: "prod_stored",
      currentPeriodStart: new Date("2026-01-01T00:00:00Z"),
      currentPeriodEnd: new Date("2026-02-01T00:00:00Z"),
      canceledAt: endedAt,
      endedAt,
      syncedAt: new Date("2026-01-01T00:00:00Z"),
    },
  });
}

describe("runCustomerSync", () => {
  it("ends a deleted customer's subscriptions Stripe no longer has, leaving ended ones as they were", async () => {
    const { user, customer } = await createMappedSubscriber(h, { name: "Deleted plan", unitAmount: 1_000 });
    const longAgo = new Date("2026-01-15T00:00:00Z");
    const live = await storedRow(customer.id, `sub_live_${customer.id}`, "active", null);
    const canceled = await storedRow(customer.id, `sub_canceled_${customer.id}`, "canceled", longAgo);
    const expired = await storedRow(customer.id, `sub_expired_${customer.id}`, "incomplete_expired", longAgo);
    await h.stripe.customers.del(customer.id);
    const event = await queueEvent(customer.id, "customer.deleted", { id: customer.id, object: "customer" });

    const result = await runCustomerSync({ db: h.db, stripe: subscriptionsGone() }, customer.id);
    expect(result).toEqual({ customerId: customer.id, applied: 1, stripeRequests: 2, current: true });
    expect(await outcomeOf(event)).toBe("applied");
    expect((await h.db.account.findUniqueOrThrow({ where: { id: user.account.id } })).stripeCustomerId).toBeNull();

    const rows = await h.db.subscription.findMany({ where: { id: { in: [live.id, canceled.id, expired.id] } } });
    const byId = new Map(rows.map((row) => [row.id, row]));
    const ended = byId.get(live.id);
    expect(ended).toMatchObject({ status: "canceled" });
    expect(ended?.endedAt).toEqual(ended?.canceledAt);
    expect(ended?.syncedAt).toEqual(ended?.canceledAt);
    expect(Math.abs((ended?.endedAt?.getTime() ?? 0) - Date.now())).toBeLessThan(60_000);
    expect(byId.get(canceled.id)).toMatchObject({ status: "canceled", canceledAt: longAgo, endedAt: longAgo });
    expect(byId.get(expired.id)).toMatchObject({ status: "incomplete_expired", endedAt: longAgo });
  });

  it("ends a deleted customer's subscriptions when the deletion came with other events", async () => {
    const { user, customer } = await createMappedSubscriber(h, { name: "Mixed plan", unitAmount: 1_000 });
    const live = await storedRow(customer.id, `sub_mixed_${customer.id}`, "active", null);
    await h.stripe.customers.del(customer.id);
    const updated = await queueEvent(customer.id, "customer.updated", { id: customer.id, object: "customer" });
    const deleted = await queueEvent(customer.id, "customer.deleted", { id: customer.id, object: "customer" });

    const result = await runCustomerSync({ db: h.db, stripe: subscriptionsGone() }, customer.id);
    expect(result).toEqual({ customerId: customer.id, applied: 2, stripeRequests: 2, current: true });
    expect([await outcomeOf(updated), await outcomeOf(deleted)]).toEqual(["applied", "applied"]);
    expect((await h.db.account.findUniqueOrThrow({ where: { id: user.account.id } })).stripeCustomerId).toBeNull();
    expect((await h.db.subscription.findUniqueOrThrow({ where: { id: live.id } })).status).toBe("canceled");
  });

  it("acknowledges a deletion of a customer Stripe has never heard of, asking Stripe only that", async () => {
    const user = await createUser(h.db);
    const customerId = `cus_never_${user.account.id.replaceAll("-", "")}`;
    await h.db.account.update({ where: { id: user.account.id }, data: { stripeCustomerId: customerId } });
    const event = await queueEvent(customerId, "customer.deleted", { id: customerId, object: "customer" });

    expect(await runCustomerSync(h, customerId)).toEqual({ customerId, applied: 1, stripeRequests: 1, current: true });
    expect(await outcomeOf(event)).toBe("applied");
    expect((await h.db.account.findUniqueOrThrow({ where: { id: user.account.id } })).stripeCustomerId).toBe(
      customerId,
    );
    expect(await h.db.customerSync.count({ where: { stripeCustomerId: customerId } })).toBe(0);
  });

  it("acknowledges the events of a customer we never mapped without asking Stripe", async () => {
    const customer = await h.stripe.customers.create({ email: "unmapped-job@example.com" });
    const event = await queueEvent(customer.id, "customer.updated", { id: customer.id, object: "customer" });

    expect(await runCustomerSync(h, customer.id)).toEqual({
      customerId: customer.id,
      applied: 1,
      stripeRequests: 0,
      current: true,
    });
    expect(await outcomeOf(event)).toBe("applied");
    expect(await h.db.customerSync.count({ where: { stripeCustomerId: customer.id } })).toBe(0);
  });

  it("does nothing, as the latest word, when an earlier run applied the customer's events", async () => {
    const { customer } = await createMappedSubscriber(h, { name: "Coalesced plan", unitAmount: 1_000 });
    const event = await queueEvent(customer.id, "customer.updated", { id: customer.id, object: "customer" });
    await runCustomerSync(h, customer.id);
    const [before] = await h.db.customerSync.findMany({ where: { stripeCustomerId: customer.id } });

    expect(await runCustomerSync(h, customer.id)).toEqual({
      customerId: customer.id,
      applied: 0,
      stripeRequests: 0,
      current: true,
    });
    expect(await outcomeOf(event)).toBe("applied");
    expect(await h.db.customerSync.findMany({ where: { stripeCustomerId: customer.id } })).toEqual([before]);
  });

  it("keeps the events queued when Stripe has no subscriptions for a customer that is not deleted", async () => {
    const { customer, subscription } = await createMappedSubscriber(h, { name: "Missing plan", unitAmount: 1_000 });
    const event = await queueEvent(customer.id, "customer.deleted", { id: customer.id, object: "customer" });
    await expect(runCustomerSync({ db: h.db, stripe: subscriptionsGone() }, customer.id)).rejects.toThrow(
      "No such customer",
    );
    expect(await h.db.webhookLog.findUniqueOrThrow({ where: { id: event } })).toMatchObject({
      outcome: "queued",
      error: "No such customer",
    });
    expect(await h.db.subscription.count({ where: { stripeSubscriptionId: subscription.id } })).toBe(0);
    expect(await h.db.account.count({ where: { stripeCustomerId: customer.id } })).toBe(1);
  });

  it("reads each invoice a failure is about, counting it, and leaves an event received after the read", async () => {
    const { customer } = await createMappedSubscriber(h, { name: "Counted plan", unitAmount: 1_000 });
    const [invoice] = (await h.stripe.invoices.list({ customer: customer.id })).data;
    const failed = await queueEvent(customer.id, "invoice.payment_failed", { id: invoice?.id, object: "invoice" });
    const later = new Date(Date.now() + 3_600_000);
    const early = await queueEvent(customer.id, "customer.updated", { id: customer.id, object: "customer" }, later);

    expect(await runCustomerSync(h, customer.id)).toEqual({
      customerId: customer.id,
      applied: 1,
      stripeRequests: 2,
      current: true,
    });
    expect(await outcomeOf(failed)).toBe("applied");
    expect(await outcomeOf(early)).toBe("queued");
  });

  it("keeps at most 1,000 characters of the reason a run failed", async () => {
    const { customer } = await createMappedSubscriber(h, { name: "Verbose plan", unitAmount: 1_000 });
    const event = await queueEvent(customer.id, "customer.updated", { id: customer.id, object: "customer" });
    await h.db.$executeRawUnsafe(`
      CREATE OR REPLACE FUNCTION fail_verbosely() RETURNS trigger AS $$
      BEGIN RAISE EXCEPTION '%', repeat('x', 2000); END $$ LANGUAGE plpgsql`);
    await h.db.$executeRawUnsafe(
      "CREATE TRIGGER fail_verbosely BEFORE INSERT ON subscriptions FOR EACH ROW EXECUTE FUNCTION fail_verbosely()",
    );
    try {
      await expect(runCustomerSync(h, customer.id)).rejects.toThrow();
    } finally {
      await h.db.$executeRawUnsafe("DROP TRIGGER fail_verbosely ON subscriptions");
    }
    const { error } = await h.db.webhookLog.findUniqueOrThrow({ where: { id: event } });
    expect(error).toHaveLength(1_000);
    expect(error).toMatch(/^Database error\. Code: `P0001`\. Message: `x+$/);
  });
});
