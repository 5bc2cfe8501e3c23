// The one place a Stripe client is made: bounded retries, a request timeout, and
// STRIPE_API_BASE to point it at the emulator.
import Stripe from "stripe";

export type StripeClientOptions = {
  secretKey: string;
  /** e.g. http://127.0.0.1:12111; unset means api.stripe.com. */
  apiBase?: string | undefined;
  timeoutMs?: number;
  maxNetworkRetries?: number;
};

export function createStripeClient(options: StripeClientOptions): Stripe {
  const base = options.apiBase ? new URL(options.apiBase) : null;
  return new Stripe(options.secretKey, {
    // A user waits on these calls: fail fast and say so rather than hang.
    timeout: options.timeoutMs ?? 10_000,
    maxNetworkRetries: options.maxNetworkRetries ?? 2,
    telemetry: false,
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
