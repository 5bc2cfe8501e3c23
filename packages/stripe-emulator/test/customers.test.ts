// customers, products, prices and payment methods through the SDK.
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPlan, eventTypes, startHarness, type Harness } from "./helpers.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.emulator.stop();
});

describe("customers", () => {
  it("keeps an address, changes it, refuses a country that is not a two-letter code, and removes it", async () => {
    const address = { line1: "1 Main St", city: "Springfield", postal_code: "62701", country: "US" };
    const created = await h.stripe.customers.create({ email: "addr@example.com", address });
    expect(created.address).toEqual({ ...address, line2: null, state: null });
    const moved = await h.stripe.customers.update(created.id, {
      address: { line1: "10 Downing St", city: "London", postal_code: "SW1A 2AA", country: "GB" },
    });
    expect(moved.address).toMatchObject({ city: "London", country: "GB" });
    await expect(h.stripe.customers.update(created.id, { address: { country: "Britain" } })).rejects.toMatchObject({
      statusCode: 400,
      param: "address[country]",
    });
    expect((await h.stripe.customers.retrieve(created.id)) as Stripe.Customer).toMatchObject({
      address: { city: "London" },
    });
    expect((await h.stripe.customers.update(created.id, { address: "" })).address).toBeNull();
  });

  it("creates, retrieves, updates, lists by email and deletes", async () => {
    const created = await h.stripe.customers.create({
      email: "c1@example.com",
      name: "C One",
      metadata: { userId: "u-1" },
    });
    expect(created).toMatchObject({
      object: "customer",
      email: "c1@example.com",
      name: "C One",
      metadata: { userId: "u-1" },
      livemode: false,
    });
    expect(created.id).toMatch(/^cus_/);
    const updated = await h.stripe.customers.update(created.id, { name: "C Uno" });
    expect(updated.name).toBe("C Uno");
    expect((await h.stripe.customers.list({ email: "c1@example.com" })).data.map((c) => c.id)).toEqual([created.id]);
    const deleted = await h.stripe.customers.del(created.id);
    expect(deleted).toEqual(expect.objectContaining({ id: created.id, deleted: true }));
    const again = await h.stripe.customers.retrieve(created.id);
    expect(again.deleted).toBe(true);
    const types = await eventTypes(h.stripe, (event) => (event.data.object as { id?: string }).id === created.id);
    expect(types).toEqual(["customer.created", "customer.updated", "customer.deleted"]);
  });

  it("records previous_attributes on customer.updated", async () => {
    const customer = await h.stripe.customers.create({ email: "prev@example.com", metadata: { plan: "free" } });
    await h.stripe.customers.update(customer.id, { email: "next@example.com", metadata: { plan: "pro" } });
    const events = await h.stripe.events.list({ type: "customer.updated", limit: 1 });
    const event = events.data[0];
    expect(event?.type).toBe("customer.updated");
    if (event?.type !== "customer.updated") return;
    expect(event.data.object.email).toBe("next@example.com");
    expect(event.data.previous_attributes).toEqual({ email: "prev@example.com", metadata: { plan: "free" } });
  });

  it("searches by metadata and email", async () => {
    const target = await h.stripe.customers.create({ email: "search-me@example.com", metadata: { userId: "user_42" } });
    await h.stripe.customers.create({ email: "other@example.com", metadata: { userId: "user_43" } });
    const byMetadata = await h.stripe.customers.search({ query: "metadata['userId']:'user_42'" });
    expect(byMetadata.object).toBe("search_result");
    expect(byMetadata.data.map((c) => c.id)).toEqual([target.id]);
    const byEmail = await h.stripe.customers.search({ query: `email:'search-me@example.com'` });
    expect(byEmail.data.map((c) => c.id)).toEqual([target.id]);
    await expect(h.stripe.customers.search({ query: "nonsense" })).rejects.toMatchObject({ statusCode: 400 });
  });

  it("requires the default payment method to be attached", async () => {
    const customer = await h.stripe.customers.create({});
    const pm = await h.stripe.paymentMethods.create({
      type: "card",
      card: { number: "4242424242424242", exp_month: 12, exp_year: 2040, cvc: "123" },
    });
    await expect(
      h.stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: pm.id } }),
    ).rejects.toMatchObject({ statusCode: 400, param: "invoice_settings[default_payment_method]" });
    await h.stripe.paymentMethods.attach(pm.id, { customer: customer.id });
    const updated = await h.stripe.customers.update(customer.id, {
      invoice_settings: { default_payment_method: pm.id },
    });
    expect(updated.invoice_settings.default_payment_method).toBe(pm.id);
  });
});

describe("products and prices", () => {
  it("creates and filters prices by product, active and lookup key", async () => {
    const product = await h.stripe.products.create({ name: "Team", metadata: { tier: "team" } });
    const monthly = await h.stripe.prices.create({
      product: product.id,
      currency: "usd",
      unit_amount: 2_000,
      recurring: { interval: "month" },
      lookup_key: "team_monthly",
    });
    const yearly = await h.stripe.prices.create({
      product: product.id,
      currency: "usd",
      unit_amount: 20_000,
      recurring: { interval: "year" },
      lookup_key: "team_yearly",
    });
    expect(monthly).toMatchObject({
      object: "price",
      type: "recurring",
      unit_amount: 2_000,
      recurring: { interval: "month", interval_count: 1 },
    });
    expect(monthly.unit_amount_decimal?.toString()).toBe("2000");
    const byKeys = await h.stripe.prices.list({ lookup_keys: ["team_monthly", "team_yearly"] });
    expect(byKeys.data.map((p) => p.id)).toEqual([yearly.id, monthly.id]);
    await h.stripe.prices.update(yearly.id, { active: false });
    expect((await h.stripe.prices.list({ product: product.id, active: true })).data.map((p) => p.id)).toEqual([
      monthly.id,
    ]);
    const renamed = await h.stripe.products.update(product.id, { name: "Team+" });
    expect(renamed.name).toBe("Team+");
    expect((await h.stripe.products.retrieve(product.id)).metadata).toEqual({ tier: "team" });
  });

  it("keeps lookup keys unique unless transfer_lookup_key is set", async () => {
    const first = await h.stripe.prices.create({
      product_data: { name: "Solo" },
      currency: "usd",
      unit_amount: 500,
      recurring: { interval: "month" },
      lookup_key: "solo",
    });
    const duplicate = {
      product: first.product as string,
      currency: "usd",
      unit_amount: 600,
      recurring: { interval: "month" as const },
      lookup_key: "solo",
    };
    await expect(h.stripe.prices.create(duplicate)).rejects.toMatchObject({ statusCode: 400, param: "lookup_key" });
    const second = await h.stripe.prices.create({ ...duplicate, transfer_lookup_key: true });
    expect(second.lookup_key).toBe("solo");
    expect((await h.stripe.prices.retrieve(first.id)).lookup_key).toBeNull();
  });

  it("lists products by active and deletes unpriced ones", async () => {
    const archived = await h.stripe.products.create({ name: "Old", active: false });
    expect((await h.stripe.products.list({ active: false })).data.map((p) => p.id)).toContain(archived.id);
    expect(await h.stripe.products.del(archived.id)).toMatchObject({ deleted: true });
    await expect(h.stripe.products.retrieve(archived.id)).rejects.toMatchObject({ statusCode: 404 });
  });
});

describe("payment methods", () => {
  it("creates cards from test numbers, attaches, lists and detaches", async () => {
    const customer = await h.stripe.customers.create({});
    const pm = await h.stripe.paymentMethods.create({
      type: "card",
      card: { number: "4242424242424242", exp_month: 4, exp_year: 2040, cvc: "123" },
    });
    expect(pm.card).toMatchObject({ brand: "visa", last4: "4242", exp_month: 4, exp_year: 2040 });
    expect(pm.customer).toBeNull();
    const attached = await h.stripe.paymentMethods.attach(pm.id, { customer: customer.id });
    expect(attached.customer).toBe(customer.id);
    const listed = await h.stripe.paymentMethods.list({ customer: customer.id, type: "card" });
    expect(listed.data.map((p) => p.id)).toEqual([pm.id]);
    const detached = await h.stripe.paymentMethods.detach(pm.id);
    expect(detached.customer).toBeNull();
    const types = await eventTypes(h.stripe, (event) => (event.data.object as { id?: string }).id === pm.id);
    expect(types).toEqual(["payment_method.attached", "payment_method.detached"]);
  });

  it("turns named test payment methods into new payment methods", async () => {
    const customer = await h.stripe.customers.create({});
    const visa = await h.stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
    const failing = await h.stripe.paymentMethods.attach("pm_card_chargeCustomerFail", { customer: customer.id });
    expect(visa.id).not.toBe("pm_card_visa");
    expect(visa.card?.last4).toBe("4242");
    expect(failing.card?.last4).toBe("0341");
    await expect(
      h.stripe.paymentMethods.attach("pm_card_visa_chargeDeclined", { customer: customer.id }),
    ).rejects.toBeInstanceOf(Stripe.errors.StripeCardError);
    // As Stripe names them: "authenticationRequired" always asks, "…OnSetup" only on session.
    const always = await h.stripe.paymentMethods.attach("pm_card_authenticationRequired", { customer: customer.id });
    expect(always.card?.last4).toBe("3184");
    const onSetup = await h.stripe.paymentMethods.attach("pm_card_authenticationRequiredOnSetup", {
      customer: customer.id,
    });
    expect(onSetup.card?.last4).toBe("3155");
  });

  it("declines 4000000000000002 on attach and rejects invalid numbers", async () => {
    const customer = await h.stripe.customers.create({});
    const pm = await h.stripe.paymentMethods.create({
      type: "card",
      card: { number: "4000000000000002", exp_month: 1, exp_year: 2040 },
    });
    await expect(h.stripe.paymentMethods.attach(pm.id, { customer: customer.id })).rejects.toMatchObject({
      statusCode: 402,
      code: "card_declined",
      decline_code: "generic_decline",
    });
    await expect(
      h.stripe.paymentMethods.create({
        type: "card",
        card: { number: "4242424242424241", exp_month: 1, exp_year: 2040 },
      }),
    ).rejects.toMatchObject({ statusCode: 402, code: "incorrect_number" });
  });
});

describe("the legacy source=tok_visa", () => {
  it("gives the customer a default card that subscriptions charge, and a declined token makes nothing", async () => {
    const customer = await h.stripe.customers.create({ email: "source@example.com", source: "tok_visa" });
    expect(customer.default_source).toMatch(/^pm_/);
    const { price } = await createPlan(h.stripe, 1_500);
    const sub = await h.stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
    expect(sub.status).toBe("active");
    await expect(
      h.stripe.customers.create({ email: "declined-source@example.com", source: "tok_chargeDeclined" }),
    ).rejects.toMatchObject({ statusCode: 402 });
    expect((await h.stripe.customers.list({ email: "declined-source@example.com" })).data).toEqual([]);
  });
});
