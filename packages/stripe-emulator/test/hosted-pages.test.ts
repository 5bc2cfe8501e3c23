// Hosted pages over plain HTTP (the browser flows are in tests/e2e): escaping, redirects, webhooks
// for page actions, the dashboard and its object links, and the portal lifetime setting.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPlan, startHarness, startReceiver, type Harness, type Receiver } from "./helpers.ts";

let h: Harness;
let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
  h = await startHarness({ forwardTo: receiver.url, webhookSecret: "whsec_hosted" });
});
afterAll(async () => {
  await h.emulator.stop();
  await receiver.close();
});

const form = (fields: Record<string, string>) => ({
  method: "POST",
  headers: { "Content-Type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(fields).toString(),
  redirect: "manual" as const,
});

describe("hosted pages", () => {
  it("escapes what merchants type and never links to non-http URLs", async () => {
    const product = await h.stripe.products.create({ name: `<img src=x onerror="alert(1)">` });
    const price = await h.stripe.prices.create({
      product: product.id,
      currency: "usd",
      unit_amount: 500,
      recurring: { interval: "month" },
    });
    const session = await h.stripe.checkout.sessions.create({
      mode: "subscription",
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: "https://app.test/ok",
    });
    const page = await (await fetch(session.url ?? "")).text();
    expect(page).not.toContain("<img");
    expect(page).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");

    const config = await h.stripe.billingPortal.configurations.create({
      features: { invoice_history: { enabled: true } },
    });
    const customer = await h.stripe.customers.create({ email: "x@example.com" });
    const portal = await h.stripe.billingPortal.sessions.create({
      customer: customer.id,
      configuration: config.id,
      return_url: "javascript:alert(1)",
    });
    const home = await fetch(portal.url);
    expect(home.status).toBe(200);
    expect(await home.text()).not.toContain("javascript:");
  });

  it("completes a checkout from the form: 303 to success_url, webhooks after the response", async () => {
    const { price } = await createPlan(h.stripe, 700);
    const session = await h.stripe.checkout.sessions.create({
      mode: "subscription",
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: "https://app.test/ok?id={CHECKOUT_SESSION_ID}",
      customer_email: "form@example.com",
    });
    const response = await fetch(
      session.url ?? "",
      form({ cardNumber: "4242 4242 4242 4242", cardExpiry: "12 / 34", cardCvc: "123", billingName: "Form Buyer" }),
    );
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(`https://app.test/ok?id=${session.id}`);
    const received = await receiver.waitFor(1);
    await h.control.waitForDeliveries();
    expect(
      received.some(
        (webhook) => webhook.body.includes('"type":"checkout.session.completed"') && webhook.body.includes(session.id),
      ),
    ).toBe(true);
    expect((await fetch(session.url ?? "")).status).toBe(200);
  });

  it("serves hosted invoices (and their /pdf) and 404 pages for unknown ids", async () => {
    const { price } = await createPlan(h.stripe);
    const customer = await h.stripe.customers.create({
      payment_method: "pm_card_visa",
      invoice_settings: { default_payment_method: "pm_card_visa" },
    });
    const sub = await h.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      expand: ["latest_invoice"],
    });
    const invoice = await h.stripe.invoices.retrieve(
      typeof sub.latest_invoice === "string" ? sub.latest_invoice : (sub.latest_invoice?.id ?? ""),
    );
    for (const url of [invoice.hosted_invoice_url, invoice.invoice_pdf]) {
      const page = await fetch(url ?? "");
      expect(page.status).toBe(200);
      expect(await page.text()).toContain(`Invoice ${invoice.number ?? ""}`);
    }
    expect((await fetch(`${h.emulator.url}/i/in_missing`)).status).toBe(404);
    expect((await fetch(`${h.emulator.url}/p/session/bps_missing`)).status).toBe(404);
  });
});

describe("dashboard and objects", () => {
  it("lists objects on / and serves each as JSON", async () => {
    const customer = await h.stripe.customers.create({ email: "dash@example.com" });
    const dashboard = await fetch(`${h.emulator.url}/`);
    expect(dashboard.headers.get("content-type")).toContain("text/html");
    const text = await dashboard.text();
    expect(text).toContain(`/_emulator/objects/${customer.id}`);
    expect(text).toContain("dash@example.com");
    expect(await h.control.object(customer.id)).toMatchObject({ id: customer.id, email: "dash@example.com" });
    const event = (await h.stripe.events.list({ type: "customer.created", limit: 1 })).data[0];
    expect(await h.control.object(event?.id ?? "")).toMatchObject({ id: event?.id, type: "customer.created" });
    await expect(h.control.object("cus_missing")).rejects.toMatchObject({ status: 404 });
  });

  it("changes the portal session lifetime through the control surface", async () => {
    expect((await h.control.getSettings()).portalSessionLifetimeSeconds).toBe(300);
    await h.control.setSettings({ portalSessionLifetimeSeconds: 0 });
    try {
      const config = await h.stripe.billingPortal.configurations.create({
        features: { invoice_history: { enabled: true } },
      });
      const customer = await h.stripe.customers.create({});
      const session = await h.stripe.billingPortal.sessions.create({ customer: customer.id, configuration: config.id });
      const page = await fetch(session.url);
      expect(page.status).toBe(410);
      expect(await page.text()).toContain("This portal session has expired");
    } finally {
      await h.control.setSettings({ portalSessionLifetimeSeconds: 300 });
    }
  });

  it("still marks invoices paid out of band (invoices.pay shares its code with the portal's Pay now)", async () => {
    const { price } = await createPlan(h.stripe);
    const customer = await h.stripe.customers.create({
      payment_method: "pm_card_chargeCustomerFail",
      invoice_settings: { default_payment_method: "pm_card_chargeCustomerFail" },
    });
    const sub = await h.stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
    const invoiceId = typeof sub.latest_invoice === "string" ? sub.latest_invoice : (sub.latest_invoice?.id ?? "");
    expect((await h.stripe.invoices.retrieve(invoiceId)).status).toBe("open");
    expect(await h.stripe.invoices.pay(invoiceId, { paid_out_of_band: true })).toMatchObject({
      status: "paid",
      amount_paid: 0,
      amount_paid_off_stripe: 1_000,
    });
    expect((await h.stripe.subscriptions.retrieve(sub.id)).status).toBe("active");
    await expect(h.stripe.invoices.pay(invoiceId, { paid_out_of_band: true })).rejects.toMatchObject({
      statusCode: 400,
      code: "invoice_already_paid",
    });
  });
});

describe("hosted Checkout as Stripe's real one is built", () => {
  const card = { email: "frames@example.com", cardNumber: "4242424242424242", cardExpiry: "12 / 34", cardCvc: "123" };

  it("asks Link for a phone number only when ticked, and changes nothing without one", async () => {
    const { price } = await createPlan(h.stripe, 700);
    const session = await h.stripe.checkout.sessions.create({
      mode: "subscription",
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: "https://app.test/ok",
    });
    const refused = await fetch(session.url ?? "", form({ ...card, billingName: "L", link: "1" }));
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("Your phone number is incomplete.");
    expect((await h.stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");
    const paid = await fetch(
      session.url ?? "",
      form({ ...card, billingName: "L", link: "1", phoneNumber: "+1 555 0100" }),
    );
    expect(paid.status).toBe(303);
  });

  it("runs 3-D Secure in Stripe's frame around the bank's #challengeFrame, buttons posting to the top", async () => {
    const { price } = await createPlan(h.stripe, 700);
    const session = await h.stripe.checkout.sessions.create({
      mode: "subscription",
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: "https://app.test/ok",
    });
    const asked = await fetch(session.url ?? "", form({ ...card, cardNumber: "4000002500003155", billingName: "T" }));
    const challenge = new URL(asked.headers.get("location") ?? "", h.emulator.url);
    const top = await fetch(challenge).then((response) => response.text());
    expect(top).toMatch(/<iframe name="__privateStripeFrame3ds"[^>]*src="[^"]*frame=outer"/);
    challenge.searchParams.set("frame", "outer");
    expect(await fetch(challenge).then((response) => response.text())).toMatch(/<iframe id="challengeFrame"/);
    challenge.searchParams.set("frame", "inner");
    const bank = await fetch(challenge).then((response) => response.text());
    expect(bank).toMatch(/<form method="post" action="[^"]+" target="_top">/);
    expect(bank).toContain(">Complete</button>");
  });
});
