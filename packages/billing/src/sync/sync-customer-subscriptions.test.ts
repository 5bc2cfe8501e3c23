// Writes of one customer's state are ordered by when their Stripe read began: an older read
// (a slow job, a checkout return racing a webhook) never overwrites a newer one, in
// whatever order the writes arrive, and a sync keeps no transaction open while Stripe answers.
import { createUser } from "@saas/db/factories";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { StripeUnavailable } from "../errors.ts";
import { createMappedSubscriber, idleInTransaction, startBillingHarness, type BillingHarness } from "../testing.ts";
import { syncCustomer } from "./sync-customer.ts";
import { databaseNow, readCustomerSubscriptions, writeCustomerSubscriptions } from "./sync-customer-subscriptions.ts";

let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness();
});
afterAll(() => h.close());
beforeEach(() => h.control.clearFaults());

const rowOf = (subscriptionId: string) =>
  h.db.subscription.findUniqueOrThrow({ where: { stripeSubscriptionId: subscriptionId } });

describe("writeCustomerSubscriptions", () => {
  it("refuses a read that began before the one already written, whichever is written first", async () => {
    const { customer, subscription } = await createMappedSubscriber(h, { name: "Sync plan", unitAmount: 1_200 });
    // An old read (the subscription still renews), then Stripe changes, then a newer read.
    const older = await readCustomerSubscriptions(h.stripe, customer.id, await databaseNow(h.db));
    await h.stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
    const newer = await readCustomerSubscriptions(h.stripe, customer.id, await databaseNow(h.db));
    expect(newer.readAt.getTime()).toBeGreaterThan(older.readAt.getTime());

    expect(await h.db.$transaction((tx) => writeCustomerSubscriptions(tx, newer))).toMatchObject({
      current: true,
      changed: 1,
    });
    // The older read arrives last: it changes nothing.
    expect(await h.db.$transaction((tx) => writeCustomerSubscriptions(tx, older))).toEqual({
      customerId: customer.id,
      subscriptions: 1,
      organizationId: expect.any(String) as string,
      known: true,
      changed: 0,
      current: false,
    });
    expect(await rowOf(subscription.id)).toMatchObject({ cancelAtPeriodEnd: true });
  });

  it("orders the reads of a customer we never mapped too, writing no rows", async () => {
    const customer = await h.stripe.customers.create({ email: "unmapped@example.com" });
    const older = await readCustomerSubscriptions(h.stripe, customer.id, await databaseNow(h.db));
    const newer = await readCustomerSubscriptions(h.stripe, customer.id, await databaseNow(h.db));
    expect(newer.readAt.getTime()).toBeGreaterThan(older.readAt.getTime());
    expect(await h.db.$transaction((tx) => writeCustomerSubscriptions(tx, newer))).toEqual({
      customerId: customer.id,
      subscriptions: 0,
      organizationId: null,
      known: false,
      changed: 0,
      current: true,
    });
    expect(await h.db.$transaction((tx) => writeCustomerSubscriptions(tx, older))).toMatchObject({
      known: false,
      current: false,
    });
  });

  it("lets the newer of two concurrent writes win, the other waiting on the customer's row", async () => {
    const { customer, subscription } = await createMappedSubscriber(h, { name: "Race plan", unitAmount: 1_300 });
    const older = await readCustomerSubscriptions(h.stripe, customer.id, await databaseNow(h.db));
    await h.stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
    const newer = await readCustomerSubscriptions(h.stripe, customer.id, await databaseNow(h.db));

    const results = await Promise.all(
      [newer, older, newer, older].map((read) => h.db.$transaction((tx) => writeCustomerSubscriptions(tx, read))),
    );
    // Of the two writes of the newer read, the second finds it written already. An older read
    // may still go first, if it takes the row first; it is then overwritten.
    const [newerResults, olderResults] = [results.filter((_, i) => i % 2 === 0), results.filter((_, i) => i % 2)];
    expect(newerResults.map((r) => r.current).sort()).toEqual([false, true]);
    expect(olderResults.filter((r) => r.current).length).toBeLessThanOrEqual(1);
    expect(await rowOf(subscription.id)).toMatchObject({ cancelAtPeriodEnd: true });
    const [sync] = await h.db.customerSync.findMany({ where: { stripeCustomerId: customer.id } });
    expect(sync?.readAt.getTime()).toBe(newer.readAt.getTime());
  });
});

describe("syncCustomer", () => {
  it("answers for a customer we never mapped without asking Stripe, as the latest word on it", async () => {
    const customer = await h.stripe.customers.create({ email: "never-mapped@example.com" });
    await h.control.addFault({ path: "/v1/subscriptions*", method: "GET", count: 1, match: customer.id });
    expect(await syncCustomer(h, customer.id)).toEqual({
      customerId: customer.id,
      known: false,
      changed: 0,
      subscriptions: 0,
      organizationId: null,
      current: true,
    });
    expect(await h.control.faults()).toHaveLength(1);
    expect(await h.db.customerSync.count({ where: { stripeCustomerId: customer.id } })).toBe(0);
  });

  it("rewrites a row whose dates differ from Stripe's, and leaves an equal one alone", async () => {
    const { customer, subscription } = await createMappedSubscriber(h, { name: "Dated plan", unitAmount: 1_500 });
    expect(await syncCustomer(h, customer.id)).toMatchObject({ changed: 1 });
    const synced = await rowOf(subscription.id);
    const moved = new Date(synced.currentPeriodEnd.getTime() + 86_400_000);
    await h.db.subscription.update({ where: { id: synced.id }, data: { currentPeriodEnd: moved } });

    expect(await syncCustomer(h, customer.id)).toMatchObject({ changed: 1, current: true });
    expect((await rowOf(subscription.id)).currentPeriodEnd).toEqual(synced.currentPeriodEnd);
    expect(await syncCustomer(h, customer.id)).toMatchObject({ changed: 0, subscriptions: 1 });
  });

  it("moves an unchanged subscription to the account its customer is mapped to now", async () => {
    const { user, customer, subscription } = await createMappedSubscriber(h, { name: "Moved plan", unitAmount: 1_600 });
    await syncCustomer(h, customer.id);
    const other = await createUser(h.db);
    await h.db.account.update({ where: { id: user.account.id }, data: { stripeCustomerId: null } });
    await h.db.account.update({ where: { id: other.account.id }, data: { stripeCustomerId: customer.id } });

    expect(await syncCustomer(h, customer.id)).toMatchObject({ changed: 1, organizationId: other.organization.id });
    const account = await h.db.account.findUniqueOrThrow({ where: { id: other.account.id } });
    expect((await rowOf(subscription.id)).accountId).toBe(account.id);
  });

  it("keeps no transaction open while Stripe answers, and writes nothing when Stripe fails", async () => {
    const { customer, subscription } = await createMappedSubscriber(h, { name: "Outage plan", unitAmount: 1_400 });
    await h.control.addFault({ path: "/v1/subscriptions*", method: "GET", mode: "hang", count: 1, match: customer.id });
    const sync = syncCustomer(h, customer.id).catch((error: unknown) => error);
    await vi.waitFor(async () => expect(await h.control.faults()).toEqual([]));
    expect(await idleInTransaction(h.db)).toBe(0);
    expect(await sync).toBeInstanceOf(StripeUnavailable);
    expect(await h.db.subscription.count({ where: { stripeSubscriptionId: subscription.id } })).toBe(0);

    expect(await syncCustomer(h, customer.id)).toMatchObject({ known: true, changed: 1, current: true });
    expect(await rowOf(subscription.id)).toMatchObject({ status: "active", stripeCustomerId: customer.id });
  });
});
