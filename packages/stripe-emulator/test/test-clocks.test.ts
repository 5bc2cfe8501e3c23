// Test clocks: CRUD, advancing, and the billing life cycle time drives.
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { advanceClock, createPlan, eventTypes, startHarness, waitUntil, type Harness } from "./helpers.ts";

const DAY = 86_400;
const JAN_1_2027 = Date.UTC(2027, 0, 1) / 1000;
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.emulator.stop();
});

async function clockedCustomer(card = "pm_card_visa") {
  const clock = await h.stripe.testHelpers.testClocks.create({ frozen_time: JAN_1_2027, name: "clock" });
  const customer = await h.stripe.customers.create({
    email: "clock@example.com",
    test_clock: clock.id,
    payment_method: card,
    invoice_settings: { default_payment_method: card },
  });
  return { clock, customer };
}

const relatedTo = (customerId: string) => (event: Stripe.Event) =>
  !event.type.startsWith("test_helpers.") && JSON.stringify(event.data.object).includes(customerId);

describe("test clocks", () => {
  it("creates, advances through advancing → ready, lists and deletes with its customers", async () => {
    const { clock, customer } = await clockedCustomer();
    expect(clock).toMatchObject({
      object: "test_helpers.test_clock",
      status: "ready",
      frozen_time: JAN_1_2027,
      name: "clock",
    });
    expect(customer.created).toBe(JAN_1_2027);
    await h.control.setSettings({ clockAdvanceDelayMs: 150 });
    const advancing = await h.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: JAN_1_2027 + DAY });
    expect(advancing).toMatchObject({
      status: "advancing",
      status_details: { advancing: { target_frozen_time: JAN_1_2027 + DAY } },
    });
    await expect(
      h.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: JAN_1_2027 + 2 * DAY }),
    ).rejects.toMatchObject({ statusCode: 400 });
    await h.control.setSettings({ clockAdvanceDelayMs: 5 });
    await waitUntil(
      () => h.stripe.testHelpers.testClocks.retrieve(clock.id),
      (current) => current.status === "ready",
    );
    const ready = await advanceClock(h.stripe, clock.id, JAN_1_2027 + 2 * DAY);
    expect(ready).toMatchObject({ status: "ready", frozen_time: JAN_1_2027 + 2 * DAY });
    await expect(h.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: JAN_1_2027 })).rejects.toMatchObject({
      statusCode: 400,
    });
    expect((await h.stripe.testHelpers.testClocks.list()).data.map((c) => c.id)).toContain(clock.id);
    expect(await h.stripe.testHelpers.testClocks.del(clock.id)).toMatchObject({ deleted: true });
    expect((await h.stripe.customers.retrieve(customer.id)).deleted).toBe(true);
    const types = await eventTypes(h.stripe, (event) => (event.data.object as { id?: string }).id === clock.id);
    expect(types).toEqual([
      "test_helpers.test_clock.created",
      "test_helpers.test_clock.advancing",
      "test_helpers.test_clock.ready",
      "test_helpers.test_clock.advancing",
      "test_helpers.test_clock.ready",
      "test_helpers.test_clock.deleted",
    ]);
  });

  it("ends trials into a paid period, with trial_will_end three days before", async () => {
    const { clock, customer } = await clockedCustomer();
    const { price } = await createPlan(h.stripe, 900);
    const sub = await h.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      trial_period_days: 7,
    });
    expect(sub.created).toBe(JAN_1_2027);
    await advanceClock(h.stripe, clock.id, JAN_1_2027 + 8 * DAY);
    const after = await h.stripe.subscriptions.retrieve(sub.id, { expand: ["latest_invoice"] });
    expect(after.status).toBe("active");
    expect(after.items.data[0]?.current_period_start).toBe(JAN_1_2027 + 7 * DAY);
    expect(after.latest_invoice as Stripe.Invoice).toMatchObject({
      status: "paid",
      amount_paid: 900,
      billing_reason: "subscription_cycle",
    });
    const types = await eventTypes(h.stripe, relatedTo(customer.id));
    expect(types.filter((type) => type.startsWith("customer.subscription"))).toEqual([
      "customer.subscription.created",
      "customer.subscription.trial_will_end",
      "customer.subscription.updated",
    ]);
    const reminder = (await h.stripe.events.list({ type: "customer.subscription.trial_will_end", limit: 1 })).data[0];
    expect(reminder?.created).toBe(JAN_1_2027 + 4 * DAY);
  });

  it("terminates cancel_at_period_end subscriptions at the period end", async () => {
    const { clock, customer } = await clockedCustomer();
    const { price } = await createPlan(h.stripe);
    const sub = await h.stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
    await h.stripe.subscriptions.update(sub.id, { cancel_at_period_end: true });
    const end = sub.items.data[0]?.current_period_end ?? 0;
    expect(end).toBe(Date.UTC(2027, 1, 1) / 1000);
    await advanceClock(h.stripe, clock.id, end + DAY);
    const canceled = await h.stripe.subscriptions.retrieve(sub.id);
    expect(canceled).toMatchObject({
      status: "canceled",
      ended_at: end,
      cancellation_details: { reason: "cancellation_requested" },
    });
    expect((await h.stripe.invoices.list({ subscription: sub.id })).data).toHaveLength(1);
  });

  it("marks subscriptions unpaid after the last retry when configured so", async () => {
    await h.control.setSettings({ failedPaymentAction: "unpaid" });
    try {
      const { clock, customer } = await clockedCustomer();
      const { price } = await createPlan(h.stripe);
      const sub = await h.stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
      const failing = await h.stripe.paymentMethods.attach("pm_card_chargeCustomerFail", { customer: customer.id });
      await h.stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: failing.id } });
      await advanceClock(h.stripe, clock.id, JAN_1_2027 + 45 * DAY);
      expect((await h.stripe.subscriptions.retrieve(sub.id)).status).toBe("unpaid");
    } finally {
      await h.control.setSettings({ failedPaymentAction: "cancel" });
    }
  });
});

describe("life cycle", () => {
  it("checkout → renewal → card fails → past_due → retries → canceled", async () => {
    const clock = await h.stripe.testHelpers.testClocks.create({ frozen_time: JAN_1_2027 });
    const customer = await h.stripe.customers.create({ email: "life@example.com", test_clock: clock.id });
    const { price } = await createPlan(h.stripe, 2_500);
    const session = await h.stripe.checkout.sessions.create({
      mode: "subscription",
      customer: customer.id,
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: "https://app.test/ok?session_id={CHECKOUT_SESSION_ID}",
    });
    await h.control.completeCheckout(session.id, { cardNumber: "4242424242424242" });
    const subId = (await h.stripe.checkout.sessions.retrieve(session.id)).subscription as string;
    const sub = await h.stripe.subscriptions.retrieve(subId);
    expect(sub.status).toBe("active");
    const firstEnd = sub.items.data[0]?.current_period_end ?? 0;
    expect(firstEnd).toBe(Date.UTC(2027, 1, 1) / 1000);

    await advanceClock(h.stripe, clock.id, firstEnd + 3_600);
    const renewed = await h.stripe.subscriptions.retrieve(subId, { expand: ["latest_invoice"] });
    expect(renewed.status).toBe("active");
    expect(renewed.items.data[0]?.current_period_start).toBe(firstEnd);
    expect(renewed.latest_invoice as Stripe.Invoice).toMatchObject({
      status: "paid",
      billing_reason: "subscription_cycle",
      amount_paid: 2_500,
    });

    // Checkout saved the card on the subscription (as Stripe does), so switching the customer's
    // default only matters once the subscription falls back to it — what the portal's card update does.
    const failing = await h.stripe.paymentMethods.attach("pm_card_chargeCustomerFail", { customer: customer.id });
    await h.stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: failing.id } });
    await h.stripe.subscriptions.update(subId, { default_payment_method: "" });

    const secondEnd = renewed.items.data[0]?.current_period_end ?? 0;
    expect(secondEnd).toBe(Date.UTC(2027, 2, 1) / 1000);
    await advanceClock(h.stripe, clock.id, secondEnd + 3_600);
    const pastDue = await h.stripe.subscriptions.retrieve(subId, { expand: ["latest_invoice"] });
    expect(pastDue.status).toBe("past_due");
    const failedInvoice = pastDue.latest_invoice as Stripe.Invoice;
    expect(failedInvoice).toMatchObject({
      status: "open",
      attempt_count: 1,
      next_payment_attempt: secondEnd + 3 * DAY,
    });

    await advanceClock(h.stripe, clock.id, secondEnd + 4 * DAY);
    expect((await h.stripe.invoices.retrieve(failedInvoice.id)).next_payment_attempt).toBe(secondEnd + 5 * DAY);
    await advanceClock(h.stripe, clock.id, secondEnd + 8 * DAY);
    const canceled = await h.stripe.subscriptions.retrieve(subId);
    expect(canceled).toMatchObject({ status: "canceled", cancellation_details: { reason: "payment_failed" } });
    expect(await h.stripe.invoices.retrieve(failedInvoice.id)).toMatchObject({
      status: "open",
      attempt_count: 4,
      next_payment_attempt: null,
    });

    const types = await eventTypes(
      h.stripe,
      (event) => relatedTo(customer.id)(event) && /^(customer\.subscription|invoice|checkout)\./.test(event.type),
    );
    expect(types).toEqual([
      "customer.subscription.created",
      "invoice.created",
      "invoice.finalized",
      "invoice.paid",
      "invoice.payment_succeeded",
      "customer.subscription.updated",
      "checkout.session.completed",
      "customer.subscription.updated",
      "invoice.created",
      "invoice.finalized",
      "invoice.paid",
      "invoice.payment_succeeded",
      "customer.subscription.updated",
      "customer.subscription.updated",
      "invoice.created",
      "invoice.finalized",
      "invoice.payment_failed",
      "customer.subscription.updated",
      "invoice.payment_failed",
      "invoice.payment_failed",
      "invoice.payment_failed",
      "customer.subscription.deleted",
    ]);
  });
});
