// Discounts through the SDK and the hosted Checkout page: a code typed in Checkout, what it
// takes off each invoice, and when it stops.
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { discountLines } from "../src/billing/discounts.ts";
import { advanceClock, createPlan, eventTypes, startHarness, type Harness } from "./helpers.ts";

let h: Harness;
let price: Stripe.Price;

beforeAll(async () => {
  h = await startHarness();
  ({ price } = await createPlan(h.stripe, 2_900));
  await h.stripe.coupons.create({
    id: "launch-20",
    name: "Launch",
    percent_off: 20,
    duration: "repeating",
    duration_in_months: 3,
  });
  await h.stripe.promotionCodes.create({ promotion: { type: "coupon", coupon: "launch-20" }, code: "LAUNCH20" });
  await h.stripe.coupons.create({ id: "five-once", amount_off: 500, currency: "usd", duration: "once" });
});
afterAll(async () => {
  await h.emulator.stop();
});

async function clockedCustomer() {
  const start = Math.floor(Date.UTC(2027, 0, 10) / 1000);
  const clock = await h.stripe.testHelpers.testClocks.create({ frozen_time: start });
  const customer = await h.stripe.customers.create({ email: "buyer@example.com", test_clock: clock.id });
  return { clock, customer, start };
}

async function openSession(customer: string, extra: Partial<Stripe.Checkout.SessionCreateParams> = {}) {
  return h.stripe.checkout.sessions.create({
    mode: "subscription",
    customer,
    line_items: [{ price: price.id, quantity: 1 }],
    success_url: "https://app.test/ok",
    allow_promotion_codes: true,
    ...extra,
  });
}

/** Types a code into the hosted page's field, as a buyer would. */
function applyCode(session: Stripe.Checkout.Session, code: string) {
  return fetch(`${h.emulator.url}/c/pay/${session.id}/promotion-code`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ promotion_code: code }),
    redirect: "manual",
  });
}

describe("a promotion code in Checkout", () => {
  it("refuses an unknown code on the page and leaves the session as it was", async () => {
    const { customer } = await clockedCustomer();
    const session = await openSession(customer.id);
    const page = await applyCode(session, "NOPE");
    expect(page.status).toBe(400);
    expect(await page.text()).toContain("This code is invalid.");
    const after = await h.stripe.checkout.sessions.retrieve(session.id);
    expect(after).toMatchObject({ amount_total: 2_900, discounts: [], total_details: { amount_discount: 0 } });
  });

  it("takes 20 % off the session, then off the first three monthly invoices, and ends", async () => {
    const { clock, customer, start } = await clockedCustomer();
    const session = await openSession(customer.id);
    expect((await fetch(session.url ?? "").then((page) => page.text())).includes('name="promotion_code"')).toBe(true);
    expect((await applyCode(session, "launch20")).status).toBe(303);
    const priced = await h.stripe.checkout.sessions.retrieve(session.id, { expand: ["line_items"] });
    const code = (await h.stripe.promotionCodes.list({ code: "LAUNCH20" })).data[0];
    expect(priced).toMatchObject({
      amount_subtotal: 2_900,
      amount_total: 2_320,
      total_details: { amount_discount: 580 },
      discounts: [{ coupon: "launch-20", promotion_code: code?.id }],
    });
    expect(priced.line_items?.data[0]).toMatchObject({ amount_discount: 580, amount_total: 2_320 });
    expect(await fetch(session.url ?? "").then((page) => page.text())).toContain("20% off for 3 months");

    const { session: done } = await h.control.completeCheckout(session.id);
    const sub = await h.stripe.subscriptions.retrieve(done.subscription as string, {
      expand: ["discounts", "latest_invoice"],
    });
    const discount = sub.discounts[0] as Stripe.Discount;
    expect(discount).toMatchObject({
      object: "discount",
      source: { type: "coupon", coupon: "launch-20" },
      promotion_code: code?.id,
      // Stripe names the session only on a payment-mode discount.
      checkout_session: null,
      subscription: sub.id,
      start,
    });
    expect(discount.end).toBe(Math.floor(Date.UTC(2027, 3, 10) / 1000));
    const first = sub.latest_invoice as Stripe.Invoice;
    expect(first).toMatchObject({
      subtotal: 2_900,
      total: 2_320,
      amount_paid: 2_320,
      discounts: [discount.id],
      total_discount_amounts: [{ amount: 580, discount: discount.id }],
    });
    expect(first.lines.data[0]?.discount_amounts).toEqual([{ amount: 580, discount: discount.id }]);
    expect((await h.stripe.coupons.retrieve("launch-20")).times_redeemed).toBe(1);
    expect((await h.stripe.promotionCodes.retrieve(code?.id ?? "")).times_redeemed).toBe(1);
    const preview = await h.stripe.invoices.createPreview({ subscription: sub.id });
    expect(preview).toMatchObject({ subtotal: 2_900, total: 2_320 });

    for (const month of [1, 2]) {
      await advanceClock(h.stripe, clock.id, Math.floor(Date.UTC(2027, month, 10) / 1000) + 60);
    }
    // The discount ends on April 10: the preview of the invoice on that day has none.
    expect(await h.stripe.invoices.createPreview({ subscription: sub.id })).toMatchObject({ total: 2_900 });
    await advanceClock(h.stripe, clock.id, Math.floor(Date.UTC(2027, 3, 10) / 1000) + 60);
    const invoices = (await h.stripe.invoices.list({ subscription: sub.id })).data.reverse();
    expect(invoices.map((invoice) => invoice.total)).toEqual([2_320, 2_320, 2_320, 2_900]);
    expect((await h.stripe.subscriptions.retrieve(sub.id)).discounts).toEqual([]);
    const types = await eventTypes(h.stripe, (event) => (event.data.object as { id?: string }).id === discount.id);
    expect(types).toEqual(["customer.discount.created", "customer.discount.deleted"]);
  });

  it("removes a code again on the page", async () => {
    const { customer } = await clockedCustomer();
    const session = await openSession(customer.id);
    await applyCode(session, "LAUNCH20");
    const removed = await fetch(`${h.emulator.url}/c/pay/${session.id}/promotion-code`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ intent: "remove" }),
      redirect: "manual",
    });
    expect(removed.status).toBe(303);
    expect(await h.stripe.checkout.sessions.retrieve(session.id)).toMatchObject({ amount_total: 2_900, discounts: [] });
  });

  it("has no code field unless the session allows codes, and refuses codes with discounts", async () => {
    const { customer } = await clockedCustomer();
    const plain = await openSession(customer.id, { allow_promotion_codes: undefined });
    expect(await fetch(plain.url ?? "").then((page) => page.text())).not.toContain('name="promotion_code"');
    expect((await applyCode(plain, "LAUNCH20")).status).toBe(400);
    await expect(openSession(customer.id, { discounts: [{ coupon: "launch-20" }] })).rejects.toMatchObject({
      statusCode: 400,
      param: "allow_promotion_codes",
    });
    const upFront = await openSession(customer.id, {
      allow_promotion_codes: undefined,
      discounts: [{ coupon: "five-once" }],
    });
    expect(upFront).toMatchObject({ amount_total: 2_400, discounts: [{ coupon: "five-once", promotion_code: null }] });
  });
});

describe("a coupon on subscriptions.create", () => {
  it("takes a `once` coupon off the first invoice only, and leaves prorations alone", async () => {
    const { clock, customer } = await clockedCustomer();
    const pm = await h.stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
    const sub = await h.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      default_payment_method: pm.id,
      discounts: [{ coupon: "five-once" }],
      expand: ["latest_invoice"],
    });
    expect((sub.latest_invoice as Stripe.Invoice).total).toBe(2_400);
    expect((await h.stripe.subscriptions.retrieve(sub.id)).discounts).toEqual([]);
    await advanceClock(h.stripe, clock.id, Math.floor(Date.UTC(2027, 1, 10) / 1000) + 60);
    const invoices = (await h.stripe.invoices.list({ subscription: sub.id })).data.reverse();
    expect(invoices.map((invoice) => invoice.total)).toEqual([2_400, 2_900]);
  });

  it("refuses a coupon that does not exist", async () => {
    const { customer } = await clockedCustomer();
    await expect(
      h.stripe.subscriptions.create({
        customer: customer.id,
        items: [{ price: price.id }],
        discounts: [{ coupon: "nope" }],
      }),
    ).rejects.toMatchObject({ statusCode: 404 });
  });
});

describe("what a discount keeps and refuses", () => {
  async function subscriber() {
    const { clock, customer } = await clockedCustomer();
    const pm = await h.stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
    return { clock, customer, pm };
  }

  it("keeps applying a forever coupon deleted after it was redeemed, and expands it still", async () => {
    const { clock, customer, pm } = await subscriber();
    await h.stripe.coupons.create({ id: "promo_half", percent_off: 50, duration: "forever" });
    const sub = await h.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      default_payment_method: pm.id,
      discounts: [{ coupon: "promo_half" }],
    });
    await h.stripe.coupons.del("promo_half");
    await advanceClock(h.stripe, clock.id, Math.floor(Date.UTC(2027, 1, 10) / 1000) + 60);
    const invoices = (await h.stripe.invoices.list({ subscription: sub.id })).data.reverse();
    expect(invoices.map((invoice) => invoice.total)).toEqual([1_450, 1_450]);
    const [read] = (
      await h.stripe.subscriptions.list({ customer: customer.id, expand: ["data.discounts.source.coupon"] })
    ).data;
    const discount = read?.discounts[0] as Stripe.Discount;
    expect(discount.source.coupon).toMatchObject({ id: "promo_half", percent_off: 50 });
  });

  it("refuses at completion a code used up since it was applied, and changes nothing", async () => {
    await h.stripe.coupons.create({ id: "one-use", percent_off: 10, duration: "once" });
    await h.stripe.promotionCodes.create({
      promotion: { type: "coupon", coupon: "one-use" },
      code: "ONCEONLY",
      max_redemptions: 1,
    });
    const first = await openSession((await clockedCustomer()).customer.id);
    const second = await openSession((await clockedCustomer()).customer.id);
    expect((await applyCode(first, "ONCEONLY")).status).toBe(303);
    expect((await applyCode(second, "ONCEONLY")).status).toBe(303);
    await h.control.completeCheckout(first.id);
    await expect(h.control.completeCheckout(second.id)).rejects.toMatchObject({ status: 400 });
    const after = await h.stripe.checkout.sessions.retrieve(second.id);
    expect(after).toMatchObject({ status: "open", subscription: null });
    expect((await h.stripe.subscriptions.list({ customer: after.customer as string })).data).toEqual([]);
    expect((await h.stripe.promotionCodes.list({ code: "ONCEONLY" })).data[0]?.times_redeemed).toBe(1);
  });

  it("spends a once coupon on the first paid invoice after a trial, not the trial's", async () => {
    const { clock, customer, pm } = await subscriber();
    const sub = await h.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      default_payment_method: pm.id,
      trial_period_days: 7,
      discounts: [{ coupon: "five-once" }],
    });
    await advanceClock(h.stripe, clock.id, Math.floor(Date.UTC(2027, 0, 17) / 1000) + 60);
    await advanceClock(h.stripe, clock.id, Math.floor(Date.UTC(2027, 1, 17) / 1000) + 60);
    const invoices = (await h.stripe.invoices.list({ subscription: sub.id })).data.reverse();
    expect(invoices.map((invoice) => invoice.total)).toEqual([0, 2_400, 2_900]);
  });

  it("bills a mid-period upgrade net of a percent-off discount", async () => {
    const { customer, pm } = await subscriber();
    const { price: bigger } = await createPlan(h.stripe, 9_900);
    await h.stripe.coupons.create({ id: "half-forever", percent_off: 50, duration: "forever" });
    const sub = await h.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      default_payment_method: pm.id,
      discounts: [{ coupon: "half-forever" }],
    });
    const updated = await h.stripe.subscriptions.update(sub.id, {
      items: [{ id: sub.items.data[0]?.id ?? "", price: bigger.id }],
      proration_behavior: "always_invoice",
      expand: ["latest_invoice"],
    });
    // The whole period is left: half of $99 charged, half of $29 credited.
    expect((updated.latest_invoice as Stripe.Invoice).total).toBe(4_950 - 1_450);
  });

  it("refuses an expired code, a spent one or another currency's amount off through discounts[]", async () => {
    const { customer } = await clockedCustomer();
    await h.stripe.coupons.create({ id: "euro-five", amount_off: 500, currency: "eur", duration: "once" });
    await expect(
      openSession(customer.id, { allow_promotion_codes: undefined, discounts: [{ coupon: "euro-five" }] }),
    ).rejects.toMatchObject({ statusCode: 400, param: "discounts[0][coupon]" });
    const expired = await h.stripe.promotionCodes.create({
      promotion: { type: "coupon", coupon: "launch-20" },
      code: "OLDCODE",
      expires_at: Math.floor(Date.UTC(2027, 0, 11) / 1000),
    });
    const later = await h.stripe.testHelpers.testClocks.create({
      frozen_time: Math.floor(Date.UTC(2027, 0, 12) / 1000),
    });
    const late = await h.stripe.customers.create({ test_clock: later.id });
    await expect(
      openSession(late.id, { allow_promotion_codes: undefined, discounts: [{ promotion_code: expired.id }] }),
    ).rejects.toMatchObject({ statusCode: 400, param: "discounts[0][promotion_code]" });
    expect((await h.stripe.coupons.retrieve("launch-20")).times_redeemed).toBe(1);
  });

  it("spreads a discount over lines without giving any line a negative share", () => {
    const lines = Array.from({ length: 10 }, () => ({ amount: 100, discountable: true }));
    const coupon = { percent_off: null, amount_off: 15 } as Stripe.Coupon;
    const { perLine, totals } = discountLines(lines, [{ id: "di_x", coupon }]);
    const shares = perLine.map((entries) => entries[0]?.amount ?? 0);
    expect(shares.every((share) => share >= 1 && share <= 2)).toBe(true);
    expect(shares.reduce((sum, share) => sum + share, 0)).toBe(15);
    expect(totals).toEqual([{ amount: 15, discount: "di_x" }]);
  });
});
