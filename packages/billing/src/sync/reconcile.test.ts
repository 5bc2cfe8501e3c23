// reconcile over every mapped account or one customer: what it counts and reports, and that one
// customer failing leaves the others synced.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMappedSubscriber, startBillingHarness, type BillingHarness } from "../testing.ts";
import { reconcile } from "./reconcile.ts";

let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness();
});
afterAll(() => h.close());

const subscriptionsOf = (customerId: string) => h.db.subscription.count({ where: { stripeCustomerId: customerId } });

describe("reconcile", () => {
  it("syncs only the customer asked for, when one is", async () => {
    const ada = await createMappedSubscriber(h, { name: "Ada's plan", unitAmount: 1_000 });
    const bob = await createMappedSubscriber(h, { name: "Bob's plan", unitAmount: 1_000 });
    const progress: unknown[] = [];
    const summary = await reconcile(h, { customerId: ada.customer.id, onProgress: (p) => progress.push(p) });
    expect(summary).toEqual({ examined: 1, changed: 1, failed: 0, linked: 0, seatsRepaired: 0 });
    expect(progress).toEqual([{ customerId: ada.customer.id, changed: 1 }]);
    expect(await subscriptionsOf(ada.customer.id)).toBe(1);
    expect(await subscriptionsOf(bob.customer.id)).toBe(0);
  });

  it("counts and reports a customer Stripe fails for, oldest account first, and syncs the others", async () => {
    // Every account already known is in step, so only the two below can change.
    await reconcile(h);
    const carol = await createMappedSubscriber(h, { name: "Carol's plan", unitAmount: 1_000 });
    const dan = await createMappedSubscriber(h, { name: "Dan's plan", unitAmount: 1_000 });
    await h.control.addFault({ path: "/v1/subscriptions*", method: "GET", count: 1, match: carol.customer.id });
    const progress: Array<{ customerId: string; changed: number; error?: string }> = [];
    const summary = await reconcile(h, { onProgress: (p) => progress.push(p) });

    const accounts = await h.db.account.findMany({
      where: { stripeCustomerId: { not: null } },
      orderBy: { createdAt: "asc" },
      select: { stripeCustomerId: true },
    });
    expect(progress.map((p) => p.customerId)).toEqual(accounts.map((a) => a.stripeCustomerId));
    expect(summary).toEqual({ examined: accounts.length, changed: 1, failed: 1, linked: 0, seatsRepaired: 0 });
    expect(progress.find((p) => p.customerId === carol.customer.id)).toEqual({
      customerId: carol.customer.id,
      changed: 0,
      error: "Billing service unavailable",
    });
    expect(progress.find((p) => p.customerId === dan.customer.id)).toEqual({ customerId: dan.customer.id, changed: 1 });
    expect(await subscriptionsOf(carol.customer.id)).toBe(0);
    expect(await subscriptionsOf(dan.customer.id)).toBe(1);
  });
});
