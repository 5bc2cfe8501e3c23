// The 429 re-sends on a fake HTTP client and a fake clock: what is re-sent, how long it waits,
// and that it stays inside the attempt's timeout.
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { RATE_LIMIT_RETRY, rateLimitDelayMs, retryRateLimits, type RetryRuntime } from "./stripe-rate-limit-retry.ts";

type Sent = { method: string; headers: Parameters<Stripe.HttpClient["makeRequest"]>[4]; timeout: number };

function fakeResponse(status: number, headers: Record<string, string> = {}): Stripe.HttpClientResponse {
  return {
    getStatusCode: () => status,
    getHeaders: () => headers,
    getRawResponse: () => null,
    toStream: () => null,
    toJSON: () => Promise.resolve({}),
  };
}

/** Answers the given statuses in turn (the last one from then on), each after `latencyMs` of fake time. */
function fakeStripe(statuses: number[], latencyMs = 20, headers: Record<string, string> = {}) {
  const clock = { ms: 0 };
  const sent: Sent[] = [];
  const slept: number[] = [];
  const inner: Stripe.HttpClient = {
    getClientName: () => "fake",
    makeRequest: (_host, _port, _path, method, requestHeaders, _data, _protocol, timeout) => {
      sent.push({ method, headers: requestHeaders, timeout });
      clock.ms += latencyMs;
      return Promise.resolve(fakeResponse(statuses[sent.length - 1] ?? statuses.at(-1) ?? 200, headers));
    },
  };
  const runtime: RetryRuntime = {
    now: () => clock.ms,
    random: () => 0.5,
    sleep: (ms) => {
      slept.push(ms);
      clock.ms += ms;
      return Promise.resolve();
    },
  };
  const client = retryRateLimits(inner, RATE_LIMIT_RETRY, runtime);
  const send = (timeout: number) =>
    client.makeRequest(
      "api.stripe.com",
      "443",
      "/v1/customers",
      "POST",
      { "Idempotency-Key": "key-1" },
      "",
      "https",
      timeout,
    );
  return { clock, sent, slept, send };
}

describe("retryRateLimits", () => {
  it("re-sends a single 429 with the same headers, Idempotency-Key included", async () => {
    const stripe = fakeStripe([429, 200]);
    const response = await stripe.send(10_000);
    expect(response.getStatusCode()).toBe(200);
    expect(stripe.sent.map((s) => s.headers["Idempotency-Key"])).toEqual(["key-1", "key-1"]);
    expect(stripe.slept).toHaveLength(1);
  });

  it("hands back the last 429 after its re-sends, with exponential waits", async () => {
    const stripe = fakeStripe([429]);
    const response = await stripe.send(10_000);
    expect(response.getStatusCode()).toBe(429);
    expect(stripe.sent).toHaveLength(1 + RATE_LIMIT_RETRY.resends);
    expect(stripe.slept).toEqual([225, 450, 900]);
  });

  it("stays inside the attempt's timeout, leaving each re-send the time that is left", async () => {
    const stripe = fakeStripe([429], 100);
    const response = await stripe.send(2_000);
    expect(response.getStatusCode()).toBe(429);
    expect(stripe.clock.ms).toBeLessThanOrEqual(2_000);
    expect(stripe.sent.length).toBeGreaterThanOrEqual(2);
    expect(stripe.sent.length).toBeLessThan(1 + RATE_LIMIT_RETRY.resends);
    const [first, ...resends] = stripe.sent;
    expect(first?.timeout).toBe(2_000);
    for (const resend of resends) expect(resend.timeout).toBeLessThan(2_000);
  });

  it("leaves other statuses, and 429s Stripe says to retry or not, to the SDK", async () => {
    for (const status of [200, 400, 402, 500]) {
      const stripe = fakeStripe([status, 200]);
      expect((await stripe.send(10_000)).getStatusCode()).toBe(status);
      expect(stripe.sent).toHaveLength(1);
    }
    for (const advice of ["true", "false"]) {
      const stripe = fakeStripe([429, 200], 20, { "stripe-should-retry": advice });
      expect((await stripe.send(10_000)).getStatusCode()).toBe(429);
      expect(stripe.sent).toHaveLength(1);
    }
  });
});

describe("rateLimitDelayMs", () => {
  it("doubles up to the cap, between half and all of it", () => {
    const policy = { resends: 5, baseDelayMs: 300, maxDelayMs: 1_000 };
    expect([0, 1, 2, 3].map((n) => rateLimitDelayMs(policy, n, () => 0))).toEqual([150, 300, 500, 500]);
    expect([0, 1, 2, 3].map((n) => rateLimitDelayMs(policy, n, () => 1))).toEqual([300, 600, 1_000, 1_000]);
  });
});
