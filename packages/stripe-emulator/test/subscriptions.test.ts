// subscriptions and invoices through the SDK.
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPlan, eventTypes, startHarness, type Harness } from "./helpers.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.emulator.stop();
});

async function customerWithCard(card = "pm_card_visa") {
  const customer = await h.stripe.customers.create({ email: "sub@example.com" });
  const pm = await h.stripe.paymentMethods.attach(card, { customer: customer.id });
  await h.stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: pm.id } });
  return { customer, pm };
}

describe("subscriptions", () => {
  it("charges the first invoice and keeps the period on the items", async () => {
    const { price } = await createPlan(h.stripe, 1_500);
    const { customer, pm } = await customerWithCard();
    const sub = await h.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      default_payment_method: pm.id,
      metadata: { userId: "u1" },
    });
    expect(sub).toMatchObject({
      status: "active",
      customer: customer.id,
      metadata: { userId: "u1" },
      default_payment_method: pm.id,
    });
    const item = sub.items.data[0];
    expect(item?.price.id).toBe(price.id);
    expect(item?.current_period_end).toBeGreaterThan(item?.current_period_start ?? Infinity);
    expect(sub).not.toHaveProperty("current_period_end");
    const invoice = await h.stripe.invoices.retrieve(sub.latest_invoice as string);
    expect(invoice).toMatchObject({
      status: "paid",
      amount_paid: 1_500,
      attempt_count: 1,
      billing_reason: "subscription_create",
    });
    expect(invoice.parent?.subscription_details?.subscription).toBe(sub.id);
    expect(invoice.lines.data[0]?.pricing?.price_details?.price).toBe(price.id);
    expect(invoice.hosted_invoice_url).toContain(h.emulator.url);
    expect(invoice.status_transitions.paid_at).not.toBeNull();
    const types = await eventTypes(
      h.stripe,
      (event) =>
        ["customer.subscription", "invoice"].some((prefix) => event.type.startsWith(prefix)) &&
        JSON.stringify(event.data.object).includes(sub.id),
    );
    expect(types).toEqual([
      "customer.subscription.created",
      "invoice.created",
      "invoice.finalized",
      "invoice.paid",
      "invoice.payment_succeeded",
      "customer.subscription.updated",
    ]);
  });

  it("leaves the subscription incomplete when the card fails, or errors with error_if_incomplete", async () => {
    const { price } = await createPlan(h.stripe);
    const { customer } = await customerWithCard("pm_card_chargeCustomerFail");
    const sub = await h.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      expand: ["latest_invoice"],
    });
    expect(sub.status).toBe("incomplete");
    expect(sub.latest_invoice as Stripe.Invoice).toMatchObject({ status: "open", attempt_count: 1 });
    const before = (await h.stripe.subscriptions.list({ customer: customer.id, status: "all" })).data.length;
    await expect(
      h.stripe.subscriptions.create({
        customer: customer.id,
        items: [{ price: price.id }],
        payment_behavior: "error_if_incomplete",
      }),
    ).rejects.toMatchObject({ statusCode: 402, code: "card_declined" });
    expect((await h.stripe.subscriptions.list({ customer: customer.id, status: "all" })).data.length).toBe(before);
  });

  it("starts trials without charging", async () => {
    const { price } = await createPlan(h.stripe);
    const customer = await h.stripe.customers.create({});
    const sub = await h.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      trial_period_days: 14,
    });
    expect(sub.status).toBe("trialing");
    expect((sub.trial_end ?? 0) - (sub.trial_start ?? 0)).toBe(14 * 86_400);
    expect(sub.items.data[0]?.current_period_end).toBe(sub.trial_end);
    const invoice = await h.stripe.invoices.retrieve(sub.latest_invoice as string);
    expect(invoice).toMatchObject({ status: "paid", amount_due: 0 });
  });

  it("swaps the price with proration_behavior and sets cancel_at_period_end", async () => {
    const { price: basic } = await createPlan(h.stripe, 1_000);
    const { price: premium } = await createPlan(h.stripe, 3_000);
    const { customer } = await customerWithCard();
    const sub = await h.stripe.subscriptions.create({ customer: customer.id, items: [{ price: basic.id }] });
    const itemId = sub.items.data[0]?.id ?? "";
    const swapped = await h.stripe.subscriptions.update(sub.id, {
      items: [{ id: itemId, price: premium.id }],
      proration_behavior: "always_invoice",
      expand: ["latest_invoice"],
    });
    expect(swapped.items.data[0]).toMatchObject({ id: itemId, price: { id: premium.id } });
    const invoice = swapped.latest_invoice as Stripe.Invoice;
    expect(invoice.billing_reason).toBe("subscription_update");
    expect(invoice.status).toBe("paid");
    expect(invoice.lines.data.map((line) => line.parent?.subscription_item_details?.proration)).toEqual([true, true]);
    expect(invoice.total).toBeGreaterThan(0);
    const quiet = await h.stripe.subscriptions.update(sub.id, {
      items: [{ id: itemId, price: basic.id }],
      proration_behavior: "none",
    });
    expect(quiet.latest_invoice).toBe(invoice.id);
    const ending = await h.stripe.subscriptions.update(sub.id, { cancel_at_period_end: true });
    expect(ending.cancel_at_period_end).toBe(true);
    expect(ending.cancel_at).toBe(ending.items.data[0]?.current_period_end);
    const event = (await h.stripe.events.list({ type: "customer.subscription.updated", limit: 1 })).data[0];
    expect(event?.data.previous_attributes).toMatchObject({ cancel_at_period_end: false, cancel_at: null });
    const resumed = await h.stripe.subscriptions.update(sub.id, { cancel_at_period_end: false });
    expect(resumed.cancel_at).toBeNull();
  });

  it("lists and retrieves a subscription's items, and a customer's payment methods", async () => {
    const { price } = await createPlan(h.stripe, 1_200);
    const { customer, pm } = await customerWithCard();
    const sub = await h.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id, quantity: 3 }],
    });
    const items = await h.stripe.subscriptionItems.list({ subscription: sub.id });
    expect(items.data.map((item) => [item.id, item.quantity, item.price.id])).toEqual([
      [sub.items.data[0]?.id, 3, price.id],
    ]);
    expect(await h.stripe.subscriptionItems.retrieve(items.data[0]?.id ?? "")).toMatchObject({ quantity: 3 });
    await expect(h.stripe.subscriptionItems.retrieve("si_missing")).rejects.toMatchObject({ statusCode: 404 });
    const methods = await h.stripe.customers.listPaymentMethods(customer.id);
    expect(methods.data.map((method) => method.id)).toEqual([pm.id]);
    await expect(h.stripe.customers.listPaymentMethods("cus_missing")).rejects.toMatchObject({ statusCode: 404 });
  });

  it("cancels, and lists by status", async () => {
    const { price } = await createPlan(h.stripe);
    const { customer, pm } = await customerWithCard();
    const sub = await h.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      default_payment_method: pm.id,
    });
    const canceled = await h.stripe.subscriptions.cancel(sub.id, {
      cancellation_details: { comment: "too pricey", feedback: "too_expensive" },
    });
    expect(canceled).toMatchObject({
      status: "canceled",
      cancellation_details: { reason: "cancellation_requested", feedback: "too_expensive" },
    });
    expect(canceled.ended_at).not.toBeNull();
    expect((await h.stripe.subscriptions.list({ customer: customer.id })).data).toHaveLength(0);
    expect((await h.stripe.subscriptions.list({ customer: customer.id, status: "all" })).data.map((s) => s.id)).toEqual(
      [sub.id],
    );
    expect((await h.stripe.subscriptions.list({ customer: customer.id, status: "canceled" })).data).toHaveLength(1);
    await expect(h.stripe.subscriptions.update(sub.id, { cancel_at_period_end: true })).rejects.toMatchObject({
      statusCode: 400,
    });
  });

  it("rejects one-time prices and missing payment methods", async () => {
    const oneTime = await h.stripe.prices.create({
      product_data: { name: "Setup" },
      currency: "usd",
      unit_amount: 100,
    });
    const { price } = await createPlan(h.stripe);
    const customer = await h.stripe.customers.create({});
    await expect(
      h.stripe.subscriptions.create({ customer: customer.id, items: [{ price: oneTime.id }] }),
    ).rejects.toMatchObject({ statusCode: 400, param: "items[0][price]" });
    await expect(
      h.stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] }),
    ).rejects.toMatchObject({ statusCode: 400 });
  });
});

describe("invoices", () => {
  it("lists by customer, subscription and status, and pays an open invoice", async () => {
    const { price } = await createPlan(h.stripe, 700);
    const { customer } = await customerWithCard("pm_card_chargeCustomerFail");
    const sub = await h.stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
    const open = await h.stripe.invoices.list({ customer: customer.id, status: "open" });
    expect(open.data.map((invoice) => invoice.id)).toEqual([sub.latest_invoice]);
    expect((await h.stripe.invoices.list({ subscription: sub.id })).data).toHaveLength(1);
    const invoiceId = sub.latest_invoice as string;
    await expect(h.stripe.invoices.pay(invoiceId)).rejects.toMatchObject({
      statusCode: 402,
      decline_code: "generic_decline",
    });
    expect((await h.stripe.invoices.retrieve(invoiceId)).attempt_count).toBe(2);
    const good = await h.stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
    const paid = await h.stripe.invoices.pay(invoiceId, { payment_method: good.id });
    expect(paid).toMatchObject({ status: "paid", amount_paid: 700, amount_remaining: 0 });
    expect((await h.stripe.subscriptions.retrieve(sub.id)).status).toBe("active");
    await expect(h.stripe.invoices.pay(invoiceId)).rejects.toMatchObject({ statusCode: 400 });
    const lines = await h.stripe.invoices.listLineItems(invoiceId);
    expect(lines.data[0]).toMatchObject({ object: "line_item", amount: 700 });
  });

  it("previews the next invoice, with a change's prorations, and the update then bills exactly that", async () => {
    const { price: basic } = await createPlan(h.stripe, 1_000);
    const { price: premium } = await createPlan(h.stripe, 3_000);
    const { price: yearly } = await createPlan(h.stripe, 30_000, "year");
    const { customer } = await customerWithCard();
    const sub = await h.stripe.subscriptions.create({ customer: customer.id, items: [{ price: basic.id }] });
    const item = sub.items.data[0];
    const invoicesBefore = (await h.stripe.invoices.list({ customer: customer.id })).data.length;
    const eventsBefore = (await h.stripe.events.list({ limit: 100 })).data.length;

    const plain = await h.stripe.invoices.createPreview({ subscription: sub.id });
    expect(plain).toMatchObject({ object: "invoice", status: "draft", billing_reason: "upcoming", total: 1_000 });
    expect(plain.id).toMatch(/^upcoming_in_/);
    expect(plain.period_start).toBe(item?.current_period_start);
    expect(plain.next_payment_attempt).toBe(item?.current_period_end);

    const prorationDate = Math.floor(((item?.current_period_start ?? 0) + (item?.current_period_end ?? 0)) / 2);
    const change = {
      items: [{ id: item?.id ?? "", price: premium.id, quantity: 3 }],
      proration_behavior: "create_prorations" as const,
      proration_date: prorationDate,
    };
    const withChange = await h.stripe.invoices.createPreview({ subscription: sub.id, subscription_details: change });
    const prorations = withChange.lines.data.filter((line) => line.parent?.subscription_item_details?.proration);
    // Half a period: half of 1 × $10 back, half of 3 × $30 charged; then the next period at 3 × $30.
    expect(prorations.map((line) => line.amount)).toEqual([-500, 4_500]);
    expect(withChange.total).toBe(-500 + 4_500 + 9_000);
    expect(withChange.parent?.subscription_details?.subscription_proration_date).toBe(prorationDate);

    // A preview is neither stored nor announced.
    expect((await h.stripe.invoices.list({ customer: customer.id })).data).toHaveLength(invoicesBefore);
    expect((await h.stripe.events.list({ limit: 100 })).data).toHaveLength(eventsBefore);
    await expect(h.stripe.invoices.retrieve(withChange.id)).rejects.toMatchObject({ statusCode: 404 });

    await h.stripe.subscriptions.update(sub.id, change);
    const after = await h.stripe.invoices.createPreview({ customer: customer.id });
    expect(after.lines.data.map((line) => line.amount)).toEqual(withChange.lines.data.map((line) => line.amount));

    // A change of interval bills at once, as Stripe does with every proration still waiting:
    // the earlier change's two, the credit for the unused time, then the new year.
    const toYearly = await h.stripe.invoices.createPreview({
      subscription: sub.id,
      subscription_details: {
        items: [{ id: item?.id ?? "", price: yearly.id, quantity: 1 }],
        proration_date: prorationDate,
      },
    });
    expect(toYearly.billing_reason).toBe("subscription_update");
    expect(toYearly.lines.data.map((line) => line.amount)).toEqual([-500, 4_500, -4_500, 30_000]);
  });

  it("changes a trial's price without billing it: the trial goes on, nothing is invoiced", async () => {
    const { price: monthly } = await createPlan(h.stripe, 1_000);
    const { price: yearly } = await createPlan(h.stripe, 10_000, "year");
    const { customer } = await customerWithCard();
    const sub = await h.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
      trial_period_days: 14,
    });
    const invoices = (await h.stripe.invoices.list({ subscription: sub.id })).data.length;
    const preview = await h.stripe.invoices.createPreview({
      subscription: sub.id,
      subscription_details: { items: [{ id: sub.items.data[0]?.id ?? "", price: yearly.id }] },
    });
    expect(preview.billing_reason).toBe("upcoming");
    const changed = await h.stripe.subscriptions.update(sub.id, {
      items: [{ id: sub.items.data[0]?.id ?? "", price: yearly.id }],
    });
    expect(changed).toMatchObject({ status: "trialing", trial_end: sub.trial_end });
    expect(changed.items.data[0]?.current_period_end).toBe(sub.items.data[0]?.current_period_end);
    expect((await h.stripe.invoices.list({ subscription: sub.id })).data).toHaveLength(invoices);
  });

  it("refuses a preview for an ended subscription, or one of another customer", async () => {
    const { price } = await createPlan(h.stripe, 1_000);
    const { customer } = await customerWithCard();
    const { customer: other } = await customerWithCard();
    const sub = await h.stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
    await expect(h.stripe.invoices.createPreview({ subscription: sub.id, customer: other.id })).rejects.toMatchObject({
      statusCode: 400,
      param: "subscription",
    });
    await expect(h.stripe.invoices.createPreview({ customer: other.id })).rejects.toMatchObject({
      statusCode: 404,
      code: "invoice_upcoming_none",
    });
    // Ending with its period: nothing comes next.
    await h.stripe.subscriptions.update(sub.id, { cancel_at_period_end: true });
    await expect(h.stripe.invoices.createPreview({ subscription: sub.id })).rejects.toMatchObject({
      code: "invoice_upcoming_none",
    });
    await h.stripe.subscriptions.cancel(sub.id);
    await expect(h.stripe.invoices.createPreview({ subscription: sub.id })).rejects.toMatchObject({
      statusCode: 404,
      code: "invoice_upcoming_none",
    });
  });
});
