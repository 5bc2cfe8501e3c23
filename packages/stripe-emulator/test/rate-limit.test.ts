// Stripe's per-key rate limit over HTTP: 429 with Stripe's body and headers, refills, "off",
// per-key buckets, the setting at runtime, the "rate_limit" fault, and what is never limited.
import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sdkFor, startHarness, waitUntil, type Harness } from "./helpers.ts";

const clock = { ms: 0 };
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ rateLimit: 5, rateLimitClock: () => clock.ms });
});
afterAll(() => h.emulator.stop());
beforeEach(async () => {
  // A new limit starts every key with a full bucket.
  await h.control.setSettings({ rateLimit: 5 });
  await h.control.clearFaults();
});

function get(path: string, key = "sk_test_emulator") {
  return fetch(`${h.emulator.url}${path}`, { headers: { Authorization: `Bearer ${key}` } });
}

async function burstStatuses(n: number, key = "sk_test_emulator"): Promise<number[]> {
  const responses = await Promise.all(Array.from({ length: n }, () => get("/v1/customers", key)));
  await Promise.all(responses.map((response) => response.text()));
  return responses.map((response) => response.status);
}

const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

describe("rate limit", () => {
  it("answers the requests past the bucket 429 with Stripe's error body and headers", async () => {
    const statuses = await burstStatuses(5 + 4);
    expect([count(statuses, 200), count(statuses, 429)]).toEqual([5, 4]);
    const refused = await get("/v1/customers");
    expect(refused.status).toBe(429);
    expect(refused.headers.get("request-id")).toMatch(/^req_/);
    expect(refused.headers.get("stripe-version")).toBeTruthy();
    expect(refused.headers.get("content-type")).toBe("application/json");
    expect(await refused.json()).toEqual({
      error: {
        type: "invalid_request_error",
        code: "rate_limit",
        message: expect.stringContaining("Request rate limit exceeded") as unknown,
        doc_url: "https://stripe.com/docs/error-codes/rate-limit",
        request_log_url: expect.stringMatching(/\/_emulator\/requests\/req_\w+$/) as unknown,
      },
    });
  });

  it("surfaces in the SDK as StripeRateLimitError, with nothing created", async () => {
    await burstStatuses(5);
    const error: unknown = await h.stripe.customers.create({ email: "limited@example.com" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect(error).toMatchObject({ statusCode: 429, code: "rate_limit", type: "StripeRateLimitError" });
    clock.ms += 1_000;
    expect((await h.stripe.customers.list({ email: "limited@example.com" })).data).toEqual([]);
  });

  it("refills at the limit per second", async () => {
    expect(count(await burstStatuses(6), 429)).toBe(1);
    clock.ms += 400;
    expect(count(await burstStatuses(3), 200)).toBe(2);
    clock.ms += 10_000;
    expect(count(await burstStatuses(7), 200)).toBe(5);
  });

  it("keeps a bucket per API key", async () => {
    expect(count(await burstStatuses(5, "sk_test_first"), 200)).toBe(5);
    expect((await get("/v1/customers", "sk_test_first")).status).toBe(429);
    expect(count(await burstStatuses(6, "sk_test_second"), 200)).toBe(5);
  });

  it("refuses nothing when off, and takes a new limit at runtime", async () => {
    expect((await h.control.setSettings({ rateLimit: "off" })).rateLimit).toBe("off");
    expect(count(await burstStatuses(40), 429)).toBe(0);
    expect((await h.control.getSettings()).rateLimit).toBe("off");
    await h.control.setSettings({ rateLimit: 2 });
    expect(count(await burstStatuses(5), 200)).toBe(2);
  });

  it("refuses a limit that is not a positive number or off", async () => {
    for (const rateLimit of [0, -3, "fast"]) {
      const response = await fetch(`${h.emulator.url}/_emulator/settings`, {
        method: "POST",
        headers: { "X-Emulator-Control": "1", "Content-Type": "application/json" },
        body: JSON.stringify({ rateLimit }),
      });
      expect(response.status).toBe(400);
    }
    expect((await h.control.getSettings()).rateLimit).toBe(5);
  });

  it("never limits the control surface, the dashboard or the hosted pages", async () => {
    await burstStatuses(10);
    expect((await get("/v1/customers")).status).toBe(429);
    for (let i = 0; i < 10; i++) expect((await h.control.getSettings()).rateLimit).toBe(5);
    expect((await fetch(`${h.emulator.url}/`)).status).toBe(200);
    expect((await fetch(`${h.emulator.url}/c/pay/cs_test_missing`)).status).not.toBe(429);
  });

  it("answers 401 to a bad key before counting it", async () => {
    const statuses = await burstStatuses(8, "sk_live_nope");
    expect(count(statuses, 401)).toBe(8);
    expect(count(await burstStatuses(5), 200)).toBe(5);
  });
});

describe("rate_limit fault", () => {
  it("answers the matching requests 429 until its count is spent, with the limit off", async () => {
    await h.control.setSettings({ rateLimit: "off" });
    await h.control.addFault({ path: "/v1/customers", method: "POST", mode: "rate_limit", count: 2, match: "faulted" });
    const create = () => h.stripe.customers.create({ email: "faulted@example.com" });
    await expect(h.stripe.customers.create({ email: "other@example.com" })).resolves.toMatchObject({
      object: "customer",
    });
    await expect(create()).rejects.toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect(await h.control.faults()).toEqual([expect.objectContaining({ mode: "rate_limit", remaining: 1 })]);
    await expect(create()).rejects.toMatchObject({ statusCode: 429, code: "rate_limit" });
    await expect(create()).resolves.toMatchObject({ email: "faulted@example.com" });
  });

  it("is not stored under the idempotency key, so a re-send with the same key runs", async () => {
    await h.control.setSettings({ rateLimit: "off" });
    await h.control.addFault({ path: "/v1/customers", method: "POST", mode: "rate_limit", count: 1 });
    const params = { email: "resent@example.com" };
    const options = { idempotencyKey: "rate-limited-once" };
    await expect(h.stripe.customers.create(params, options)).rejects.toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    const created = await h.stripe.customers.create(params, options);
    expect(await h.stripe.customers.create(params, options)).toMatchObject({ id: created.id });
    expect((await h.stripe.customers.list({ email: "resent@example.com" })).data).toHaveLength(1);
  });
});

describe("rate limit on the real clock", () => {
  it("refuses a burst past the limit and lets requests through again later", async () => {
    const live = await startHarness({ rateLimit: 1 });
    try {
      const stripe = sdkFor(live.emulator);
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, () =>
          stripe.customers.list().then(
            () => "ok",
            (error: unknown) => (error instanceof Stripe.errors.StripeRateLimitError ? "limited" : "other"),
          ),
        ),
      );
      expect(outcomes).toContain("limited");
      expect(outcomes).not.toContain("other");
      await waitUntil(
        () =>
          stripe.customers.list().then(
            () => true,
            () => false,
          ),
        (ok) => ok,
        15_000,
      );
    } finally {
      await live.emulator.stop();
    }
  });
});
