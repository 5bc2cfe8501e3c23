// The one place a Stripe client is made: bounded retries, a request timeout, re-sends of
// rate-limited requests, and STRIPE_API_BASE to point it at the emulator.
import Stripe from "stripe";
import { retryRateLimits } from "./stripe-rate-limit-retry.ts";

export type StripeClientOptions = {
  secretKey: string;
  /** e.g. http://127.0.0.1:12111; unset means api.stripe.com. */
  apiBase?: string | undefined;
  /**
   * Per attempt, for background work (webhooks, reconcile, the CLI), where waiting beats
   * failing: STRIPE_TIMEOUT_MS. Calls a user waits on override it with USER_FACING_REQUEST.
   */
  timeoutMs?: number;
  /** Retries after a timeout or connection error, for background work as above. */
  maxNetworkRetries?: number;
};

/**
 * Request options for every call a user waits on (procedures, page loaders and actions):
 * two attempts of 2 s with the SDK's 0.5 s back-off between them, so "Billing service
 * unavailable" shows within 5 s whatever the client's own, longer, settings are.
 */
export const USER_FACING_REQUEST = { timeout: 2_000, maxNetworkRetries: 1 } as const satisfies Stripe.RequestOptions;

export function createStripeClient(options: StripeClientOptions): Stripe {
  const base = options.apiBase ? new URL(options.apiBase) : null;
  return new Stripe(options.secretKey, {
    timeout: options.timeoutMs ?? 10_000,
    maxNetworkRetries: options.maxNetworkRetries ?? 2,
    telemetry: false,
    // 429s are re-sent inside each attempt (stripe-rate-limit-retry.ts); the SDK would not.
    httpClient: retryRateLimits(Stripe.createNodeHttpClient()),
    ...(base
      ? {
          host: base.hostname,
          port: base.port || (base.protocol === "https:" ? 443 : 80),
          protocol: base.protocol === "https:" ? "https" : "http",
        }
      : {}),
  });
}

export type { Stripe };
