// How a Stripe subscription maps to our columns, from hand-made subscriptions: every field that
// the emulator's subscriptions always fill the same way.
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { subscriptionRow } from "./subscription-row.ts";

const START = Date.UTC(2027, 0, 1) / 1000;
const END = Date.UTC(2027, 1, 1) / 1000;

function subscription(item: Record<string, unknown>, fields: Record<string, unknown> = {}) {
  return {
    id: "sub_row",
    status: "trialing",
    cancel_at_period_end: true,
    cancel_at: END,
    canceled_at: START + 60,
    ended_at: null,
    trial_end: END,
    discounts: [],
    items: {
      data: [
        {
          quantity: 3,
          current_period_start: START,
          current_period_end: END,
          price: { id: "price_row", product: "prod_row", lookup_key: "row_monthly" },
          ...item,
        },
      ],
    },
    ...fields,
  } as unknown as Stripe.Subscription;
}

describe("subscriptionRow", () => {
  it("takes the status, the price and the periods from the first item, and every date in milliseconds", () => {
    expect(subscriptionRow(subscription({}))).toEqual({
      status: "trialing",
      stripePriceId: "price_row",
      stripeProductId: "prod_row",
      priceLookupKey: "row_monthly",
      quantity: 3,
      currentPeriodStart: new Date(START * 1000),
      currentPeriodEnd: new Date(END * 1000),
      cancelAtPeriodEnd: true,
      cancelAt: new Date(END * 1000),
      canceledAt: new Date((START + 60) * 1000),
      endedAt: null,
      trialEnd: new Date(END * 1000),
      discountName: null,
      discountPercentOff: null,
      discountAmountOff: null,
      discountDuration: null,
      discountEnd: null,
    });
  });

  it("takes the discount's code and its coupon's terms when the read expanded them, and nothing from a bare id", () => {
    const coupon = { id: "launch-20", name: "Launch", percent_off: 20, amount_off: null, duration: "repeating" };
    const discount = { object: "discount", end: END, source: { type: "coupon", coupon }, promotion_code: null };
    const byName = subscriptionRow(subscription({}, { discounts: [discount] }));
    expect(byName).toMatchObject({
      discountName: "Launch",
      discountPercentOff: 20,
      discountAmountOff: null,
      discountDuration: "repeating",
      discountEnd: new Date(END * 1000),
    });
    const byCode = subscriptionRow(
      subscription({}, { discounts: [{ ...discount, end: null, promotion_code: { code: "LAUNCH20" } }] }),
    );
    expect(byCode).toMatchObject({ discountName: "LAUNCH20", discountEnd: null });
    expect(subscriptionRow(subscription({}, { discounts: ["di_1"] }))).toMatchObject({ discountName: null });
  });

  it("counts an item without a quantity as one, and reads an expanded product's id", () => {
    const row = subscriptionRow(
      subscription({ quantity: null, price: { id: "price_x", product: { id: "prod_expanded" }, lookup_key: null } }),
    );
    expect(row).toMatchObject({ quantity: 1, stripeProductId: "prod_expanded", priceLookupKey: null });
  });

  it("has no row for a subscription without items", () => {
    expect(subscriptionRow(subscription({}, { items: { data: [] } }))).toBeNull();
  });
});
