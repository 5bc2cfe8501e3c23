// Checkout Sessions (incl. the emulator's completion operation) and the Billing Portal.
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmulatorControlError } from "../src/control-client.ts";
import { createPlan, eventTypes, startHarness, type Harness } from "./helpers.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.emulator.stop();
});

async function subscriptionSession(extra: Partial<Stripe.Checkout.SessionCreateParams> = {}) {
  const { price } = await createPlan(h.stripe, 1_200);
  return h.stripe.checkout.sessions.create({
    mode: "subscription",
    customer_email: "buyer@example.com",
    line_items: [{ price: price.id, quantity: 1 }],
    success_url: "https://app.test/settings/billing?checkout=success&session_id={CHECKOUT_SESSION_ID}",
    cancel_url: "https://app.test/settings/billing",
    client_reference_id: "user_1",
    metadata: { userId: "user_1" },
    subscription_data: { metadata: { userId: "user_1" } },
    ...extra,
  });
}

describe("checkout sessions", () => {
  it("creates an open session that points at the emulator", async () => {
    const session = await subscriptionSession();
    expect(session).toMatchObject({
      object: "checkout.session",
      mode: "subscription",
      status: "open",
      payment_status: "unpaid",
      client_reference_id: "user_1",
      amount_total: 1_200,
      subscription: null,
    });
    expect(session.id).toMatch(/^cs_test_/);
    expect(session.url).toBe(`${h.emulator.url}/c/pay/${session.id}`);
    const page = await fetch(session.url ?? "");
    expect(page.status).toBe(200);
    const withItems = await h.stripe.checkout.sessions.retrieve(session.id, { expand: ["line_items"] });
    expect(withItems.line_items?.data[0]).toMatchObject({ quantity: 1, amount_total: 1_200 });
  });

  it("rejects parameters this API version removed and invalid combinations", async () => {
    await expect(
      subscriptionSession({ payment_method_types: ["card"] } as Partial<Stripe.Checkout.SessionCreateParams>),
    ).rejects.toMatchObject({ statusCode: 400, code: "parameter_unknown", param: "payment_method_types" });
    const oneTime = await h.stripe.prices.create({ product_data: { name: "Once" }, currency: "usd", unit_amount: 100 });
    await expect(
      h.stripe.checkout.sessions.create({
        mode: "subscription",
        line_items: [{ price: oneTime.id, quantity: 1 }],
        success_url: "https://app.test/ok",
      }),
    ).rejects.toMatchObject({ statusCode: 400 });
  });

  it("completes with 4242: customer, payment method, subscription, paid invoice, events in order", async () => {
    const session = await subscriptionSession();
    const result = await h.control.completeCheckout(session.id, { cardNumber: "4242424242424242", name: "Buyer" });
    expect(result.redirect_url).toBe(`https://app.test/settings/billing?checkout=success&session_id=${session.id}`);
    const done = await h.stripe.checkout.sessions.retrieve(session.id, { expand: ["subscription", "customer"] });
    expect(done).toMatchObject({ status: "complete", payment_status: "paid" });
    const sub = done.subscription as Stripe.Subscription;
    const customer = done.customer as Stripe.Customer;
    expect(sub).toMatchObject({ status: "active", metadata: { userId: "user_1" }, customer: customer.id });
    expect(customer.email).toBe("buyer@example.com");
    expect((await h.stripe.invoices.retrieve(done.invoice as string)).status).toBe("paid");
    const types = await eventTypes(h.stripe, (event) => JSON.stringify(event.data.object).includes(customer.id));
    expect(types).toEqual([
      "customer.created",
      "payment_method.attached",
      "customer.subscription.created",
      "invoice.created",
      "invoice.finalized",
      "invoice.paid",
      "invoice.payment_succeeded",
      "customer.subscription.updated",
      "checkout.session.completed",
    ]);
  });

  it("returns the card error on decline and creates no subscription", async () => {
    const session = await subscriptionSession({ customer_email: "declined@example.com" });
    const error = await h.control
      .completeCheckout(session.id, { cardNumber: "4000000000000002" })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EmulatorControlError);
    expect((error as EmulatorControlError).status).toBe(402);
    expect((error as EmulatorControlError).body).toMatchObject({
      error: { type: "card_error", code: "card_declined", decline_code: "generic_decline" },
    });
    expect((await h.stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");
    expect((await h.stripe.customers.list({ email: "declined@example.com" })).data).toHaveLength(0);
  });

  it("asks 3155 for authentication, then succeeds once authenticated", async () => {
    const session = await subscriptionSession({ customer_email: "3ds@example.com" });
    await expect(h.control.completeCheckout(session.id, { cardNumber: "4000002500003155" })).rejects.toMatchObject({
      status: 402,
    });
    const result = await h.control.completeCheckout(session.id, {
      cardNumber: "4000002500003155",
      authentication: "succeed",
    });
    expect(result.session.status).toBe("complete");
  });

  it("applies trial_period_days and existing customers; expires and lists sessions", async () => {
    const customer = await h.stripe.customers.create({ email: "trial@example.com" });
    const session = await subscriptionSession({
      customer_email: undefined,
      customer: customer.id,
      subscription_data: { trial_period_days: 7 },
    });
    const { session: done } = await h.control.completeCheckout(session.id);
    expect(done.customer).toBe(customer.id);
    expect(done.payment_status).toBe("no_payment_required");
    expect((await h.stripe.subscriptions.retrieve(done.subscription as string)).status).toBe("trialing");
    const other = await subscriptionSession();
    const expired = await h.stripe.checkout.sessions.expire(other.id);
    expect(expired.status).toBe("expired");
    await expect(h.stripe.checkout.sessions.expire(other.id)).rejects.toMatchObject({ statusCode: 400 });
    expect((await h.stripe.checkout.sessions.list({ customer: customer.id })).data.map((s) => s.id)).toEqual([
      session.id,
    ]);
    expect((await h.stripe.checkout.sessions.list({ status: "expired" })).data.map((s) => s.id)).toContain(other.id);
  });
});

describe("billing portal", () => {
  it("creates, updates, lists configurations; the first is the default", async () => {
    const { product, price } = await createPlan(h.stripe);
    const config = await h.stripe.billingPortal.configurations.create({
      business_profile: { headline: "Manage billing" },
      default_return_url: "https://app.test/settings/billing",
      features: {
        customer_update: { enabled: true, allowed_updates: ["email", "address"] },
        invoice_history: { enabled: true },
        payment_method_update: { enabled: true },
        subscription_cancel: {
          enabled: true,
          mode: "at_period_end",
          proration_behavior: "none",
          cancellation_reason: { enabled: true, options: ["too_expensive", "other"] },
        },
        subscription_update: {
          enabled: true,
          default_allowed_updates: ["price"],
          proration_behavior: "create_prorations",
          products: [{ product: product.id, prices: [price.id] }],
        },
      },
      metadata: { managedBy: "code" },
    });
    expect(config).toMatchObject({
      object: "billing_portal.configuration",
      is_default: true,
      active: true,
      features: {
        subscription_cancel: { mode: "at_period_end" },
        subscription_update: { products: [{ product: product.id, prices: [price.id] }] },
      },
    });
    const second = await h.stripe.billingPortal.configurations.create({
      features: { invoice_history: { enabled: true } },
    });
    expect(second.is_default).toBe(false);
    const updated = await h.stripe.billingPortal.configurations.update(second.id, {
      active: false,
      features: { subscription_cancel: { enabled: true, mode: "immediately" } },
    });
    expect(updated).toMatchObject({
      active: false,
      features: { subscription_cancel: { enabled: true, mode: "immediately" } },
    });
    await expect(h.stripe.billingPortal.configurations.update(config.id, { active: false })).rejects.toMatchObject({
      statusCode: 400,
    });
    expect((await h.stripe.billingPortal.configurations.list({ is_default: true })).data.map((c) => c.id)).toEqual([
      config.id,
    ]);
    expect((await h.stripe.billingPortal.configurations.retrieve(config.id)).metadata).toEqual({ managedBy: "code" });
  });

  it("creates sessions with flow_data deep links and validates them", async () => {
    const config = (await h.stripe.billingPortal.configurations.list({ is_default: true })).data[0];
    const { price } = await createPlan(h.stripe);
    const customer = await h.stripe.customers.create({
      payment_method: "pm_card_visa",
      invoice_settings: { default_payment_method: "pm_card_visa" },
    });
    const sub = await h.stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
    const plain = await h.stripe.billingPortal.sessions.create({
      customer: customer.id,
      return_url: "https://app.test/settings/billing",
    });
    expect(plain).toMatchObject({
      object: "billing_portal.session",
      customer: customer.id,
      configuration: config?.id,
      flow: null,
    });
    expect(plain.url).toBe(`${h.emulator.url}/p/session/${plain.id}`);
    expect(plain.id).toMatch(/^bps_/);
    const cancel = await h.stripe.billingPortal.sessions.create({
      customer: customer.id,
      configuration: config?.id,
      flow_data: {
        type: "subscription_cancel",
        subscription_cancel: { subscription: sub.id },
        after_completion: { type: "redirect", redirect: { return_url: "https://app.test/done" } },
      },
    });
    expect(cancel.flow).toMatchObject({
      type: "subscription_cancel",
      subscription_cancel: { subscription: sub.id },
      after_completion: { type: "redirect", redirect: { return_url: "https://app.test/done" } },
    });
    const pmUpdate = await h.stripe.billingPortal.sessions.create({
      customer: customer.id,
      flow_data: { type: "payment_method_update" },
    });
    expect(pmUpdate.return_url).toBe("https://app.test/settings/billing");
    const stranger = await h.stripe.customers.create({});
    await expect(
      h.stripe.billingPortal.sessions.create({
        customer: stranger.id,
        flow_data: { type: "subscription_cancel", subscription_cancel: { subscription: sub.id } },
      }),
    ).rejects.toMatchObject({ statusCode: 400 });
    await expect(h.stripe.billingPortal.sessions.create({ customer: "cus_nobody" })).rejects.toMatchObject({
      statusCode: 404,
    });
  });
});
