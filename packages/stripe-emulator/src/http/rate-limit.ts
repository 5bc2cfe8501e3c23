// Stripe's per-key request rate limit (test mode: 25 requests a second) as a token bucket:
// each API key holds at most `limit` tokens, refilled continuously at `limit` a second, and a
// request without a whole token is answered 429 before anything else runs.
import { z } from "zod";

/** Requests per second per API key, or "off". */
export type RateLimit = number | "off";

/** Stripe's test mode limit. */
export const DEFAULT_RATE_LIMIT = 25;

export const rateLimitSchema = z.union([z.literal("off"), z.number().positive()]);

/** The same setting as text, from `--rate-limit` or STRIPE_EMULATOR_RATE_LIMIT. */
export const rateLimitTextSchema = z.union([
  z.literal("off"),
  z.coerce.number({ error: 'must be a number of requests per second or "off"' }).positive(),
]);

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date, in ms of the limiter's clock. */
  at: number;
}

export class RateLimiter {
  private buckets = new Map<string, Bucket>();
  private current: RateLimit;

  /** `now` is in milliseconds; tests pass a clock they move by hand. */
  constructor(
    limit: RateLimit,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.current = limit;
  }

  get limit(): RateLimit {
    return this.current;
  }

  /** A new limit starts every key with a full bucket of it. */
  set limit(limit: RateLimit) {
    this.current = limit;
    this.buckets.clear();
  }

  /** Spends one of the key's tokens; false when it has none left (answer 429). */
  take(key: string): boolean {
    const limit = this.current;
    if (limit === "off") return true;
    // A limit under 1 a second still lets one request through once its token has grown.
    const capacity = Math.max(limit, 1);
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * limit);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  clear(): void {
    this.buckets.clear();
  }
}
