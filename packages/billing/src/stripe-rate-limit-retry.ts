// Stripe answers 429 when the account is over its rate limit, with no Stripe-Should-Retry
// header, so the SDK hands it straight to the caller (RequestSender._shouldRetry retries only
// connection errors, 409, 5xx and that header). This HTTP client, given to the SDK, re-sends
// a 429 a few times with exponential back-off and jitter. It re-sends the SDK's own request
// unchanged, Idempotency-Key included (the SDK keys every POST), so a write is never applied
// twice; and every re-send fits inside the one attempt's timeout, so a call a user waits on
// keeps decision 016's budget. What is still 429 after that reaches the caller as the SDK's
// StripeRateLimitError.
import type Stripe from "stripe";

export type RateLimitRetryPolicy = {
  /** Re-sends after the first 429 at most. */
  resends: number;
  /** The n-th re-send waits between half and all of min(maxDelayMs, baseDelayMs × 2^n). */
  baseDelayMs: number;
  maxDelayMs: number;
};

export const RATE_LIMIT_RETRY: RateLimitRetryPolicy = { resends: 3, baseDelayMs: 300, maxDelayMs: 2_000 };

/** The clock, randomness and sleep the client uses; tests pass their own. */
export type RetryRuntime = {
  now: () => number;
  random: () => number;
  sleep: (ms: number) => Promise<void>;
};

const REAL_RUNTIME: RetryRuntime = {
  now: () => performance.now(),
  random: Math.random,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** How long the n-th re-send (from 0) waits: exponential, with "equal jitter" so it is never 0. */
export function rateLimitDelayMs(policy: RateLimitRetryPolicy, resend: number, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** resend);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export function retryRateLimits(
  inner: Stripe.HttpClient,
  policy: RateLimitRetryPolicy = RATE_LIMIT_RETRY,
  runtime: RetryRuntime = REAL_RUNTIME,
): Stripe.HttpClient {
  return {
    getClientName: () => inner.getClientName(),
    async makeRequest(host, port, path, method, headers, requestData, protocol, timeout) {
      const deadline = runtime.now() + timeout;
      let response = await inner.makeRequest(host, port, path, method, headers, requestData, protocol, timeout);
      for (let resend = 0; resend < policy.resends && isPlainRateLimit(response); resend++) {
        const delay = rateLimitDelayMs(policy, resend, runtime.random);
        // The re-send must keep a quarter of the attempt's timeout to be answered in.
        if (runtime.now() + delay > deadline - timeout / 4) break;
        await discard(response);
        await runtime.sleep(delay);
        const remaining = Math.max(1, Math.round(deadline - runtime.now()));
        response = await inner.makeRequest(host, port, path, method, headers, requestData, protocol, remaining);
      }
      return response;
    },
  };
}

/** A 429 Stripe has said nothing about: with Stripe-Should-Retry the SDK decides itself. */
function isPlainRateLimit(response: Stripe.HttpClientResponse): boolean {
  return response.getStatusCode() === 429 && response.getHeaders()["stripe-should-retry"] === undefined;
}

/** Reads the small error body so the connection can be reused. */
async function discard(response: Stripe.HttpClientResponse): Promise<void> {
  if (response.dispose) response.dispose();
  else await response.toJSON().catch(() => undefined);
}
