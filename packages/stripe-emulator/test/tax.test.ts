// The emulator's stand-in for Stripe Tax, through the SDK and the hosted Checkout page: the
// address and tax ID collected, the rate table's tax on each invoice, and customers' tax IDs.
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { advanceClock, createPlan, startHarness, type Harness } from "./helpers.ts";

let h: Harness;
let price: Stripe.Price;
beforeAll(async () => {
  h = await startHarness();
  ({ price } = await createPlan(h.stripe, 2_900));
});
afterAll(async () => {
  await h.emulator.stop();
});

async function taxedSession(extra: Partial<Stripe.Checkout.SessionCreateParams> = {}) {
  const clock = await h.stripe.testHelpers.testClocks.create({ frozen_time: Math.floor(Date.UTC(2027, 0, 10) / 1000) });
  const customer = await h.stripe.customers.create({ email: "vat@example.com", test_clock: clock.id });
  const session = await h.stripe.checkout.sessions.create({
    mode: "subscription",
    customer: customer.id,
    line_items: [{ price: price.id, quantity: 1 }],
    success_url: "https://app.test/ok",
    billing_address_collection: "required",
    tax_id_collection: { enabled: true },
    automatic_tax: { enabled: true },
    customer_update: { address: "auto", name: "auto" },
    ...extra,
  });
  return { clock, customer, session };
}

const BERLIN = { country: "DE", line1: "Unter den Linden 1", city: "Berlin", postal_code: "10117" };

describe("tax in Checkout", () => {
  it("adds Germany's 19 % for a German address, and puts the VAT ID on the customer and the invoice", async () => {
    const { clock, customer, session } = await taxedSession();
    expect(session).toMatchObject({
      automatic_tax: { enabled: true, status: "requires_location_inputs" },
      tax_id_collection: { enabled: true },
      billing_address_collection: "required",
    });
    const { session: done } = await h.control.completeCheckout(session.id, {
      address: BERLIN,
      business: { name: "Beispiel GmbH", tax_id: "de 123 456 789" },
    });
    expect(done).toMatchObject({
      amount_total: 3_451,
      total_details: { amount_tax: 551 },
      automatic_tax: { status: "complete" },
      customer_details: { business_name: "Beispiel GmbH", tax_ids: [{ type: "eu_vat", value: "DE123456789" }] },
    });
    expect(done.customer_details?.address).toMatchObject({ country: "DE", city: "Berlin" });
    const stored = await h.stripe.customers.retrieve(customer.id);
    expect(stored).toMatchObject({ name: "Beispiel GmbH", address: { country: "DE", postal_code: "10117" } });
    const taxIds = await h.stripe.customers.listTaxIds(customer.id);
    expect(taxIds.data).toMatchObject([{ type: "eu_vat", value: "DE123456789", country: "DE" }]);

    const sub = await h.stripe.subscriptions.retrieve(done.subscription as string, { expand: ["latest_invoice"] });
    expect(sub.automatic_tax.enabled).toBe(true);
    const invoice = sub.latest_invoice as Stripe.Invoice;
    expect(invoice).toMatchObject({
      subtotal: 2_900,
      total_excluding_tax: 2_900,
      total: 3_451,
      amount_paid: 3_451,
      customer_tax_ids: [{ type: "eu_vat", value: "DE123456789" }],
      customer_address: { country: "DE" },
      automatic_tax: { enabled: true, status: "complete" },
    });
    const [tax] = invoice.total_taxes ?? [];
    expect(tax).toMatchObject({ amount: 551, taxability_reason: "standard_rated", taxable_amount: 2_900 });
    const rate = await h.stripe.taxRates.retrieve(tax?.tax_rate_details?.tax_rate ?? "");
    expect(rate).toMatchObject({ country: "DE", percentage: 19, display_name: "VAT", inclusive: false });
    expect(invoice.lines.data[0]?.taxes?.[0]).toMatchObject({ amount: 551 });
    const page = await fetch(invoice.hosted_invoice_url ?? "").then((response) => response.text());
    expect(page).toContain("VAT (19%)");
    expect(page).toContain("DE123456789");

    await advanceClock(h.stripe, clock.id, Math.floor(Date.UTC(2027, 1, 10) / 1000) + 60);
    const renewal = (await h.stripe.invoices.list({ subscription: sub.id, limit: 1 })).data[0];
    expect(renewal).toMatchObject({ billing_reason: "subscription_cycle", total: 3_451 });
  });

  it("charges no tax where the table has none, and refuses bad input with nothing made", async () => {
    const us = await taxedSession();
    const { session: done } = await h.control.completeCheckout(us.session.id, {
      address: { country: "US", line1: "1 Main St", city: "Springfield", postal_code: "12345" },
    });
    const invoice = await h.stripe.invoices.retrieve((done.invoice as string) ?? "");
    expect(invoice).toMatchObject({ total: 2_900, total_taxes: [{ amount: 0, taxability_reason: "not_collecting" }] });

    const bad = await taxedSession();
    await expect(
      h.control.completeCheckout(bad.session.id, { address: BERLIN, business: { name: "X GmbH", tax_id: "DE12" } }),
    ).rejects.toMatchObject({ status: 400 });
    await expect(
      h.control.completeCheckout(bad.session.id, { address: { country: "DE", postal_code: "10117" } }),
    ).rejects.toMatchObject({ status: 400 });
    expect((await h.stripe.checkout.sessions.retrieve(bad.session.id)).status).toBe("open");
    expect((await h.stripe.customers.listTaxIds(bad.customer.id)).data).toEqual([]);
    expect((await h.stripe.subscriptions.list({ customer: bad.customer.id })).data).toEqual([]);
    expect((await h.stripe.paymentMethods.list({ customer: bad.customer.id })).data).toEqual([]);
  });

  it("needs customer_update[address]=auto for a customer without an address", async () => {
    const customer = await h.stripe.customers.create({ email: "no-address@example.com" });
    await expect(
      h.stripe.checkout.sessions.create({
        mode: "subscription",
        customer: customer.id,
        line_items: [{ price: price.id }],
        success_url: "https://app.test/ok",
        automatic_tax: { enabled: true },
      }),
    ).rejects.toMatchObject({ statusCode: 400, param: "automatic_tax[enabled]" });
  });

  it("shows the address, the business fields and the tax line on the hosted page, and completes from it", async () => {
    const { session } = await taxedSession();
    const page = await fetch(session.url ?? "").then((response) => response.text());
    for (const text of [
      "Country or region",
      "Postal code",
      "I'm purchasing as a business",
      "Tax ID",
      "data-tax-rates",
    ]) {
      expect(page).toContain(text);
    }
    const form = new URLSearchParams({
      cardNumber: "4242 4242 4242 4242",
      cardExpiry: "12 / 34",
      cardCvc: "123",
      billingName: "Erika Mustermann",
      billingCountry: "DE",
      billingAddressLine1: "Unter den Linden 1",
      billingLocality: "Berlin",
      billingPostalCode: "10117",
    });
    const refused = await fetch(session.url ?? "", {
      method: "POST",
      body: new URLSearchParams({ ...Object.fromEntries(form), billingCountry: "" }),
      redirect: "manual",
    });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("Your billing address is incomplete");
    const paid = await fetch(session.url ?? "", { method: "POST", body: form, redirect: "manual" });
    expect(paid.status).toBe(303);
    expect(await h.stripe.checkout.sessions.retrieve(session.id)).toMatchObject({
      status: "complete",
      amount_total: 3_451,
    });
  });
});

describe("customer tax IDs", () => {
  it("adds them on create and through tax_ids, checks their format, and deletes them", async () => {
    const customer = await h.stripe.customers.create({ tax_id_data: [{ type: "gb_vat", value: "GB123456789" }] });
    const added = await h.stripe.customers.createTaxId(customer.id, { type: "eu_vat", value: "FR12345678901" });
    expect(added).toMatchObject({ object: "tax_id", country: "FR", customer: customer.id });
    expect((await h.stripe.customers.listTaxIds(customer.id)).data.map((taxId) => taxId.value)).toEqual([
      "FR12345678901",
      "GB123456789",
    ]);
    await expect(h.stripe.customers.createTaxId(customer.id, { type: "eu_vat", value: "XX1" })).rejects.toMatchObject({
      statusCode: 400,
      code: "tax_id_invalid",
    });
    await expect(
      h.stripe.customers.create({ email: "bad-vat@example.com", tax_id_data: [{ type: "eu_vat", value: "nope" }] }),
    ).rejects.toMatchObject({ statusCode: 400 });
    expect((await h.stripe.customers.list({ email: "bad-vat@example.com" })).data).toEqual([]);
    expect(await h.stripe.customers.deleteTaxId(customer.id, added.id)).toMatchObject({ deleted: true });
    expect((await h.stripe.customers.listTaxIds(customer.id)).data).toHaveLength(1);
  });
});

describe("what Stripe Tax refuses or works out", () => {
  it("refuses automatic tax for a customer without a location, and tax IDs without customer_update[name]", async () => {
    const customer = await h.stripe.customers.create({ email: "nowhere@example.com" });
    await expect(
      h.stripe.subscriptions.create({
        customer: customer.id,
        items: [{ price: price.id }],
        automatic_tax: { enabled: true },
      }),
    ).rejects.toMatchObject({ statusCode: 400, code: "customer_tax_location_invalid" });
    await expect(
      h.stripe.checkout.sessions.create({
        mode: "subscription",
        customer: customer.id,
        line_items: [{ price: price.id }],
        success_url: "https://app.test/ok",
        tax_id_collection: { enabled: true },
      }),
    ).rejects.toMatchObject({ statusCode: 400, param: "tax_id_collection[enabled]" });
    await expect(h.stripe.customers.createTaxId(customer.id, { type: "ca_bn", value: "" })).rejects.toMatchObject({
      statusCode: 400,
    });
  });

  it("taxes a credit as it taxes a charge: on the signed amount", async () => {
    const customer = await h.stripe.customers.create({ address: { country: "DE", postal_code: "10117" } });
    const draft = await h.stripe.invoices.create({ customer: customer.id, automatic_tax: { enabled: true } });
    await h.stripe.invoiceItems.create({ customer: customer.id, invoice: draft.id, amount: 2_000, currency: "usd" });
    await h.stripe.invoiceItems.create({ customer: customer.id, invoice: draft.id, amount: -1_000, currency: "usd" });
    const open = await h.stripe.invoices.finalizeInvoice(draft.id);
    expect(open).toMatchObject({ subtotal: 1_000, total: 1_190, total_taxes: [{ amount: 190 }] });
  });

  it("gives a customer Checkout makes its address from the start: one customer.created, no update", async () => {
    const session = await h.stripe.checkout.sessions.create({
      mode: "subscription",
      line_items: [{ price: price.id }],
      success_url: "https://app.test/ok",
      billing_address_collection: "required",
      automatic_tax: { enabled: true },
    });
    const { session: done } = await h.control.completeCheckout(session.id, { address: BERLIN });
    const events = await h.stripe.events.list({ limit: 100 });
    const ofCustomer = events.data.filter((event) => (event.data.object as { id?: string }).id === done.customer);
    expect(ofCustomer.map((event) => event.type)).toEqual(["customer.created"]);
    expect((ofCustomer[0]?.data.object as Stripe.Customer).address).toMatchObject({ country: "DE" });
    expect(done.amount_total).toBe(3_451);
  });
});
