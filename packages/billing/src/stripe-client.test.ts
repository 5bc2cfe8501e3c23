// The project's Stripe client against the emulator's rate limit: one 429 is re-sent without
// the caller noticing, a persistent one reaches it as StripeRateLimitError after a few re-sends.
import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createStripeClient, USER_FACING_REQUEST } from "./stripe-client.ts";
import { RATE_LIMIT_RETRY } from "./stripe-rate-limit-retry.ts";
import { startBillingHarness, type BillingHarness } from "./testing.ts";

let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness();
});
afterAll(() => h.close());
beforeEach(async () => {
  await h.control.clearFaults();
  await h.control.setSettings({ rateLimit: "off" });
});

/** How many requests a fault of `count` uses has answered so far. */
async function answeredBy(count: number): Promise<number> {
  const [fault] = await h.control.faults();
  return count - (fault?.remaining ?? 0);
}

describe("createStripeClient under Stripe's rate limit", () => {
  it("re-sends a single 429 transparently, creating the customer once", async () => {
    await h.control.addFault({ path: "/v1/customers", method: "POST", mode: "rate_limit", match: "once@example.com" });
    const customer = await h.stripe.customers.create({ email: "once@example.com" }, USER_FACING_REQUEST);
    expect(customer.email).toBe("once@example.com");
    expect(await h.control.faults()).toEqual([]);
    expect((await h.stripe.customers.list({ email: "once@example.com" })).data).toHaveLength(1);
  });

  it("surfaces a persistent 429 as StripeRateLimitError after a bounded number of sends", async () => {
    await h.control.addFault({ path: "/v1/customers*", method: "GET", mode: "rate_limit", count: 100 });
    const error: unknown = await h.stripe.customers.list({ limit: 1 }, USER_FACING_REQUEST).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect(error).toMatchObject({ statusCode: 429, code: "rate_limit" });
    // Two at least (the first and a re-send); never more than the policy allows, whatever the SDK's retries.
    const sends = await answeredBy(100);
    expect(sends).toBeGreaterThanOrEqual(2);
    expect(sends).toBeLessThanOrEqual(1 + RATE_LIMIT_RETRY.resends);
  });

  it("re-sends a write until it goes through, with the SDK's idempotency key, creating it once", async () => {
    const background = createStripeClient({ secretKey: "sk_test_writes", apiBase: h.emulator.url });
    await h.control.addFault({ path: "/v1/products", method: "POST", mode: "rate_limit", count: 2 });
    const product = await background.products.create({ name: "Sent three times" });
    expect(await h.control.faults()).toEqual([]);
    const named = (await background.products.list({ limit: 100 })).data.filter((p) => p.name === "Sent three times");
    expect(named.map((p) => p.id)).toEqual([product.id]);
  });

  it("rides out a burst over the emulator's own limit", async () => {
    await h.control.setSettings({ rateLimit: 4 });
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => h.stripe.customers.list({ limit: 1 })));
    expect(results.map((r) => r.status)).toEqual(Array(6).fill("fulfilled"));
  });
});
