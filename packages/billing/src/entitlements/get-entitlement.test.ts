// Which subscription speaks for an account, and what it lets the user use: plain functions
// of the synced rows (getEntitlement's query is exercised in flows.test.ts).
import type { Subscription } from "@saas/db";
import { describe, expect, it } from "vitest";
import { currentSubscription, entitlementFor } from "./get-entitlement.ts";

const DAY = 86_400_000;
const NOW = Date.parse("2026-12-01T12:00:00Z");

function subscription(status: string, periodEndsInDays = 30): Subscription {
  return {
    id: `row_${status}_${periodEndsInDays}`,
    accountId: "acct_1",
    stripeSubscriptionId: `sub_${status}_${periodEndsInDays}`,
    stripeCustomerId: "cus_1",
    status,
    stripePriceId: "price_1",
    stripeProductId: "prod_1",
    priceLookupKey: "pro_monthly",
    quantity: 1,
    currentPeriodStart: new Date(NOW),
    currentPeriodEnd: new Date(NOW + periodEndsInDays * DAY),
    cancelAtPeriodEnd: false,
    cancelAt: null,
    canceledAt: null,
    endedAt: null,
    trialEnd: null,
    discountName: null,
    discountPercentOff: null,
    discountAmountOff: null,
    discountDuration: null,
    discountEnd: null,
    createdAt: new Date(NOW),
    syncedAt: new Date(NOW),
  };
}

/** Most to least telling; the later in this list, the later its period ends, so dates alone would pick wrong. */
const BY_PRIORITY = [
  "active",
  "trialing",
  "past_due",
  "unpaid",
  "incomplete",
  "paused",
  "canceled",
  "incomplete_expired",
];

describe("currentSubscription", () => {
  it("prefers each status over every status after it, whatever their periods", () => {
    const all = BY_PRIORITY.map((status, i) => subscription(status, 10 + i * 10));
    for (let i = 0; i < all.length; i++) {
      const candidates = all.slice(i);
      expect(currentSubscription(candidates)?.status).toBe(BY_PRIORITY[i]);
      expect(currentSubscription([...candidates].reverse())?.status).toBe(BY_PRIORITY[i]);
    }
  });

  it("ranks a status it does not know after every one it knows", () => {
    const unknown = subscription("some_future_status", 400);
    expect(currentSubscription([unknown, subscription("incomplete_expired", 1)])?.status).toBe("incomplete_expired");
    expect(currentSubscription([subscription("active", 1), unknown])?.status).toBe("active");
    expect(currentSubscription([unknown])).toBe(unknown);
  });

  it("between two of one status, takes the one whose period ends last", () => {
    const [older, newer] = [subscription("active", 10), subscription("active", 40)];
    expect(currentSubscription([older, newer])).toBe(newer);
    expect(currentSubscription([newer, older])).toBe(newer);
  });

  it("is null without subscriptions, and leaves the list it is given as it was", () => {
    expect(currentSubscription([])).toBeNull();
    const list = [subscription("canceled", 50), subscription("active", 10)];
    currentSubscription(list);
    expect(list.map((s) => s.status)).toEqual(["canceled", "active"]);
  });
});

describe("entitlementFor", () => {
  it.each([
    ["active", "full", "Subscription active"],
    ["trialing", "full", "Subscription active"],
    ["past_due", "grace", "Payment failed: update your payment method to keep access"],
    ["unpaid", "none", "Subscription unpaid"],
    ["canceled", "none", "Subscription canceled"],
    ["incomplete", "none", "Subscription incomplete"],
    ["incomplete_expired", "none", "Subscription incomplete expired"],
    ["paused", "none", "Subscription paused"],
    ["suspended", "none", "Subscription suspended"],
  ])("gives %s %s access, saying %j", (status, access, reason) => {
    const row = subscription(status);
    expect(entitlementFor(row)).toEqual({ access, reason, subscription: row });
  });

  it("gives no access without a subscription", () => {
    expect(entitlementFor(null)).toEqual({ access: "none", reason: "No subscription", subscription: null });
  });
});
