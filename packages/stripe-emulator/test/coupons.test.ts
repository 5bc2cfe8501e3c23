// Coupons and promotion codes through the SDK.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventTypes, startHarness, type Harness } from "./helpers.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.emulator.stop();
});

describe("coupons and promotion codes", () => {
  it("creates a repeating coupon with a code for it, finds the code, and keeps one active code per text", async () => {
    const coupon = await h.stripe.coupons.create({
      id: "launch-20",
      name: "Launch",
      percent_off: 20,
      duration: "repeating",
      duration_in_months: 3,
      metadata: { catalog: "yes" },
    });
    expect(coupon).toMatchObject({
      id: "launch-20",
      object: "coupon",
      percent_off: 20,
      amount_off: null,
      duration: "repeating",
      duration_in_months: 3,
      valid: true,
      times_redeemed: 0,
    });
    const code = await h.stripe.promotionCodes.create({
      promotion: { type: "coupon", coupon: coupon.id },
      code: "LAUNCH20",
      metadata: { catalog: "yes" },
    });
    expect(code).toMatchObject({
      object: "promotion_code",
      code: "LAUNCH20",
      active: true,
      promotion: { coupon: "launch-20" },
    });
    expect(code.id).toMatch(/^promo_/);
    expect((await h.stripe.promotionCodes.list({ code: "launch20" })).data.map((c) => c.id)).toEqual([code.id]);
    expect((await h.stripe.promotionCodes.list({ coupon: coupon.id, active: true })).data).toHaveLength(1);

    await expect(
      h.stripe.promotionCodes.create({ promotion: { type: "coupon", coupon: coupon.id }, code: "LAUNCH20" }),
    ).rejects.toMatchObject({ statusCode: 400, param: "code" });
    await h.stripe.promotionCodes.update(code.id, { active: false });
    const again = await h.stripe.promotionCodes.create({
      promotion: { type: "coupon", coupon: coupon.id },
      code: "LAUNCH20",
    });
    expect(again.active).toBe(true);
    await expect(h.stripe.promotionCodes.update(code.id, { active: true })).rejects.toMatchObject({ statusCode: 400 });

    expect((await h.stripe.coupons.update(coupon.id, { name: "Launch offer" })).name).toBe("Launch offer");
    expect(await h.stripe.coupons.del(coupon.id)).toMatchObject({ id: coupon.id, deleted: true });
    await expect(h.stripe.coupons.retrieve(coupon.id)).rejects.toMatchObject({ statusCode: 404 });
    const types = await eventTypes(h.stripe, (event) => (event.data.object as { id?: string }).id === coupon.id);
    expect(types).toEqual(["coupon.created", "coupon.updated", "coupon.deleted"]);
  });

  it("refuses a coupon without exactly one of percent_off and amount_off, or an amount with no currency", async () => {
    await expect(h.stripe.coupons.create({ duration: "once" })).rejects.toMatchObject({ statusCode: 400 });
    await expect(h.stripe.coupons.create({ percent_off: 10, amount_off: 500, currency: "usd" })).rejects.toMatchObject({
      statusCode: 400,
    });
    await expect(h.stripe.coupons.create({ amount_off: 500 })).rejects.toMatchObject({ param: "currency" });
    await expect(h.stripe.coupons.create({ percent_off: 10, duration: "repeating" })).rejects.toMatchObject({
      param: "duration_in_months",
    });
    const off = await h.stripe.coupons.create({ amount_off: 500, currency: "USD", duration: "forever" });
    expect(off).toMatchObject({ amount_off: 500, currency: "usd", duration: "forever", duration_in_months: null });
  });
});
