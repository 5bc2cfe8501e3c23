// Server core through the SDK: auth, errors, idempotency, pagination, expand, form encoding.
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPlan, sdkFor, startHarness, type Harness } from "./helpers.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.emulator.stop();
});

describe("authentication and errors", () => {
  it("answers 401 without a test key", async () => {
    const live = sdkFor(h.emulator, "sk_live_nope");
    const error = await live.customers.list().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect((error as Stripe.errors.StripeError).statusCode).toBe(401);
    const raw = await fetch(`${h.emulator.url}/v1/customers`);
    expect(raw.status).toBe(401);
    expect(await raw.json()).toMatchObject({ error: { type: "invalid_request_error" } });
  });

  it("answers 404 resource_missing for unknown ids", async () => {
    const error = await h.stripe.customers.retrieve("cus_missing").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 404, code: "resource_missing", param: "id" });
  });

  it("gives each error a request_log_url, where the failed request's record is", async () => {
    const error = (await h.stripe.customers.retrieve("cus_logged").catch((caught: unknown) => caught)) as {
      raw: { request_log_url?: string };
      requestId?: string;
    };
    const url = error.raw.request_log_url ?? "";
    expect(url).toBe(`${h.emulator.url}/_emulator/requests/${error.requestId}`);
    const entry = await fetch(url);
    expect(entry.status).toBe(200);
    expect(await entry.json()).toMatchObject({
      id: error.requestId,
      method: "GET",
      path: "/v1/customers/cus_logged",
      status: 404,
      error: { code: "resource_missing" },
    });
    expect((await fetch(`${h.emulator.url}/_emulator/requests/req_unknown`)).status).toBe(404);
  });

  it("answers 400 parameter_unknown for unknown parameters, even nested", async () => {
    const error = await h.stripe.customers
      .create({ emial: "x@example.com" } as Stripe.CustomerCreateParams)
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ statusCode: 400, code: "parameter_unknown", param: "emial" });
    const nested = await h.stripe.prices
      .create({
        currency: "usd",
        unit_amount: 1,
        product_data: { name: "x" },
        recurring: { interval: "month", bogus: 1 },
      } as Stripe.PriceCreateParams)
      .catch((caught: unknown) => caught);
    expect(nested).toMatchObject({ statusCode: 400, code: "parameter_unknown", param: "recurring[bogus]" });
  });

  it("answers 400 parameter_missing and 404 for unknown URLs", async () => {
    await expect(h.stripe.prices.create({ currency: "usd", unit_amount: 5 })).rejects.toMatchObject({
      statusCode: 400,
      code: "parameter_missing",
      param: "product",
    });
    const raw = await fetch(`${h.emulator.url}/v1/nothing_here`, { headers: { Authorization: "Bearer sk_test_x" } });
    expect(raw.status).toBe(404);
  });

  it("answers 402 card errors with decline_code", async () => {
    const customer = await h.stripe.customers.create({});
    const error = await h.stripe.paymentMethods
      .attach("pm_card_visa_chargeDeclinedInsufficientFunds", { customer: customer.id })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(error).toMatchObject({ statusCode: 402, code: "card_declined", decline_code: "insufficient_funds" });
  });
});

describe("idempotency", () => {
  it("replays the first response for the same key and parameters", async () => {
    const first = await h.stripe.customers.create({ email: "idem@example.com" }, { idempotencyKey: "key-1" });
    const second = await h.stripe.customers.create({ email: "idem@example.com" }, { idempotencyKey: "key-1" });
    expect(second.id).toBe(first.id);
    expect(second.lastResponse.headers["idempotent-replayed"]).toBe("true");
    const all = await h.stripe.customers.list({ email: "idem@example.com" });
    expect(all.data).toHaveLength(1);
  });

  it("replays errors too", async () => {
    const customer = await h.stripe.customers.create({});
    const attach = () =>
      h.stripe.paymentMethods.attach(
        "pm_card_visa_chargeDeclined",
        { customer: customer.id },
        { idempotencyKey: "key-decline" },
      );
    await expect(attach()).rejects.toMatchObject({ statusCode: 402 });
    await expect(attach()).rejects.toMatchObject({ statusCode: 402, decline_code: "generic_decline" });
  });

  it("rejects the same key with different parameters", async () => {
    await h.stripe.customers.create({ email: "a@example.com" }, { idempotencyKey: "key-2" });
    const error = await h.stripe.customers
      .create({ email: "b@example.com" }, { idempotencyKey: "key-2" })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(error).toMatchObject({ statusCode: 400, type: "StripeIdempotencyError" });
  });
});

describe("lists and pagination", () => {
  it("pages newest first with starting_after and ending_before", async () => {
    const ids: string[] = [];
    for (let index = 0; index < 5; index += 1)
      ids.push((await h.stripe.customers.create({ email: "page@example.com", name: `n${index}` })).id);
    const newest = [...ids].reverse();
    const first = await h.stripe.customers.list({ email: "page@example.com", limit: 2 });
    expect(first).toMatchObject({ object: "list", has_more: true, url: "/v1/customers" });
    expect(first.data.map((customer) => customer.id)).toEqual(newest.slice(0, 2));
    const second = await h.stripe.customers.list({ email: "page@example.com", limit: 2, starting_after: newest[1] });
    expect(second.data.map((customer) => customer.id)).toEqual(newest.slice(2, 4));
    const back = await h.stripe.customers.list({ email: "page@example.com", limit: 2, ending_before: newest[2] });
    expect(back.data.map((customer) => customer.id)).toEqual(newest.slice(0, 2));
    expect(back.has_more).toBe(false);
    const all: string[] = [];
    for await (const customer of h.stripe.customers.list({ email: "page@example.com", limit: 2 }))
      all.push(customer.id);
    expect(all).toEqual(newest);
  });

  it("rejects limits above 100", async () => {
    await expect(h.stripe.customers.list({ limit: 101 })).rejects.toMatchObject({ statusCode: 400, param: "limit" });
  });
});

describe("expand", () => {
  it("expands ids along nested paths and on lists", async () => {
    const { price, product } = await createPlan(h.stripe);
    const customer = await h.stripe.customers.create({
      email: "expand@example.com",
      payment_method: "pm_card_visa",
      invoice_settings: { default_payment_method: "pm_card_visa" },
    });
    expect(typeof customer.invoice_settings.default_payment_method).toBe("string");
    const sub = await h.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      expand: ["latest_invoice", "items.data.price.product", "customer.invoice_settings.default_payment_method"],
    });
    const invoice = sub.latest_invoice as Stripe.Invoice;
    expect(invoice.object).toBe("invoice");
    expect(invoice.status).toBe("paid");
    const itemPrice = sub.items.data[0]?.price;
    expect((itemPrice?.product as Stripe.Product).id).toBe(product.id);
    const expandedCustomer = sub.customer as Stripe.Customer;
    expect((expandedCustomer.invoice_settings.default_payment_method as Stripe.PaymentMethod).card?.last4).toBe("4242");
    const list = await h.stripe.subscriptions.list({ customer: customer.id, expand: ["data.customer"] });
    expect((list.data[0]?.customer as Stripe.Customer).email).toBe("expand@example.com");
    const viaInvoice = await h.stripe.invoices.retrieve(invoice.id, {
      expand: ["parent.subscription_details.subscription"],
    });
    expect((viaInvoice.parent?.subscription_details?.subscription as Stripe.Subscription).id).toBe(sub.id);
  });

  it("rejects expanding a field that is not expandable", async () => {
    const customer = await h.stripe.customers.create({});
    await expect(h.stripe.customers.retrieve(customer.id, { expand: ["nonsense"] })).rejects.toMatchObject({
      statusCode: 400,
    });
  });
});

describe("form encoding", () => {
  it("treats an empty value as unset, for single keys and whole hashes", async () => {
    const customer = await h.stripe.customers.create({ name: "Ada", metadata: { a: "1", b: "2" } });
    const removedOne = await h.stripe.customers.update(customer.id, { metadata: { a: "" }, name: "" });
    expect(removedOne.metadata).toEqual({ b: "2" });
    expect(removedOne.name).toBeNull();
    const cleared = await h.stripe.customers.update(customer.id, { metadata: "" });
    expect(cleared.metadata).toEqual({});
  });
});
