// The token bucket on a clock moved by hand: bursts, refills, the cap, keys and "off".
import { describe, expect, it } from "vitest";
import { RateLimiter, rateLimitTextSchema } from "./rate-limit.ts";

function limiterAt(limit: number | "off") {
  const clock = { ms: 1_000_000 };
  return { clock, limiter: new RateLimiter(limit, () => clock.ms) };
}

const burst = (limiter: RateLimiter, key: string, n: number) =>
  Array.from({ length: n }, () => limiter.take(key)).filter((allowed) => !allowed).length;

describe("RateLimiter", () => {
  it("lets a full bucket through in one burst and refuses the rest", () => {
    const { limiter } = limiterAt(25);
    expect(burst(limiter, "sk_test_a", 25 + 7)).toBe(7);
  });

  it("refills at the limit per second, never past the bucket's size", () => {
    const { clock, limiter } = limiterAt(10);
    expect(burst(limiter, "sk_test_a", 10)).toBe(0);
    expect(limiter.take("sk_test_a")).toBe(false);
    clock.ms += 99;
    expect(limiter.take("sk_test_a")).toBe(false);
    clock.ms += 1;
    expect(limiter.take("sk_test_a")).toBe(true);
    expect(limiter.take("sk_test_a")).toBe(false);
    clock.ms += 500;
    expect(burst(limiter, "sk_test_a", 6)).toBe(1);
    clock.ms += 60_000;
    expect(burst(limiter, "sk_test_a", 12)).toBe(2);
  });

  it("keeps a bucket per API key", () => {
    const { limiter } = limiterAt(3);
    expect(burst(limiter, "sk_test_a", 5)).toBe(2);
    expect(burst(limiter, "sk_test_b", 5)).toBe(2);
    expect(limiter.take("sk_test_a")).toBe(false);
  });

  it("refuses nothing when off, and starts every key full when the limit changes", () => {
    const { limiter } = limiterAt("off");
    expect(burst(limiter, "sk_test_a", 500)).toBe(0);
    limiter.limit = 2;
    expect(burst(limiter, "sk_test_a", 3)).toBe(1);
    limiter.limit = 4;
    expect(burst(limiter, "sk_test_a", 5)).toBe(1);
  });

  it("lets one request through at a time under a limit below one a second", () => {
    const { clock, limiter } = limiterAt(0.5);
    expect(burst(limiter, "sk_test_a", 2)).toBe(1);
    clock.ms += 1_999;
    expect(limiter.take("sk_test_a")).toBe(false);
    clock.ms += 1;
    expect(limiter.take("sk_test_a")).toBe(true);
  });
});

describe("rateLimitTextSchema", () => {
  it('reads a positive number or "off" and refuses the rest', () => {
    expect(rateLimitTextSchema.parse("25")).toBe(25);
    expect(rateLimitTextSchema.parse("2.5")).toBe(2.5);
    expect(rateLimitTextSchema.parse("off")).toBe("off");
    for (const bad of ["0", "-1", "fast", ""]) expect(rateLimitTextSchema.safeParse(bad).success).toBe(false);
  });
});
