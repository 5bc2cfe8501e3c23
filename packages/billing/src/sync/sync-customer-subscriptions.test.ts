// Syncs of one customer are serialized: a second one waits for the first to finish before
// it reads Stripe, whichever process runs it.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { StripeUnavailable } from "../errors.ts";
import { createMappedSubscriber, startBillingHarness, type BillingHarness } from "../testing.ts";
import { syncCustomer } from "./sync-customer.ts";

let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness();
});
afterAll(() => h.close());
beforeEach(() => h.control.clearFaults());

/** A mapped user whose customer has one active subscription, not synced yet. */
async function subscribedCustomer() {
  const { customer, subscription } = await createMappedSubscriber(h, { name: "Sync plan", unitAmount: 1_200 });
  return { customer, subscription };
}

/** Sessions of this test's database waiting for an advisory lock another one holds. */
async function advisoryLockWaiters(): Promise<number> {
  const [row] = await h.db.$queryRaw<Array<{ waiting: number }>>`
    SELECT count(*)::int AS waiting FROM pg_locks
    WHERE locktype = 'advisory' AND NOT granted
      AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`;
  return row?.waiting ?? 0;
}

describe("syncCustomerSubscriptions", () => {
  it("makes a second sync of the same customer wait until the first one has finished", async () => {
    const { customer, subscription } = await subscribedCustomer();
    // The first sync's read of Stripe hangs until the client gives up (2 s), while it holds the customer.
    await h.control.addFault({ path: "/v1/subscriptions*", method: "GET", mode: "hang", count: 1, match: customer.id });
    const finished: string[] = [];
    /** The sync's result or error, once it is over; `finished` records the order. */
    const settle = async (name: string, sync: Promise<unknown>): Promise<unknown> => {
      try {
        return await sync;
      } catch (error) {
        return error;
      } finally {
        finished.push(name);
      }
    };

    const first = settle("first", syncCustomer(h, customer.id));
    await vi.waitFor(async () => expect(await h.control.faults()).toEqual([]));
    const second = settle("second", syncCustomer(h, customer.id));
    await vi.waitFor(async () => expect(await advisoryLockWaiters()).toBe(1), { timeout: 1_500 });
    expect(finished).toEqual([]);

    expect(await first).toBeInstanceOf(StripeUnavailable);
    expect(await second).toMatchObject({ known: true, subscriptions: 1, changed: 1 });
    expect(finished).toEqual(["first", "second"]);
    expect(
      await h.db.subscription.findUniqueOrThrow({ where: { stripeSubscriptionId: subscription.id } }),
    ).toMatchObject({ status: "active", stripeCustomerId: customer.id });
  });
});
