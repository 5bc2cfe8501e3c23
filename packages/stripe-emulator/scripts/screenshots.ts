// `pnpm --filter @saas/stripe-emulator screenshots`: every hosted page and the dashboard at laptop
// and phone widths, written to .reports/screenshots/, for looking at what the pages look like.
import { mkdir } from "node:fs/promises";
import { createServer } from "node:http";
import path from "node:path";
import { chromium, type Page } from "@playwright/test";
import { chromiumLaunchOptions } from "@saas/playwright";
import Stripe from "stripe";
import { startEmulator } from "../src/index.ts";

const OUT = path.resolve(import.meta.dirname, "../.reports/screenshots");
const VIEWPORTS = { laptop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };
const JAN_1_2027 = Date.UTC(2027, 0, 1) / 1000;

// A webhook receiver that fails every fourth delivery once, so the dashboard shows retries too.
let deliveries = 0;
const receiver = createServer((request, response) => {
  request.resume();
  request.on("end", () => response.writeHead(++deliveries % 4 === 0 ? 500 : 200).end());
});
await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", () => resolve()));
const address = receiver.address();
const forwardTo =
  address === null || typeof address === "string" ? undefined : `http://127.0.0.1:${address.port}/webhooks`;
const emulator = await startEmulator({
  port: 0,
  realTimeTickMs: 0,
  forwardTo,
  webhookRetryScheduleMs: [50],
  settings: { clockAdvanceDelayMs: 5 },
  // The script sets up every page's objects in a burst; the pages are what it is about.
  rateLimit: "off",
});
const stripe = new Stripe("sk_test_screens", { host: "127.0.0.1", port: emulator.port, protocol: "http" });

async function plan(name: string, amount: number) {
  const product = await stripe.products.create({ name });
  const price = await stripe.prices.create({
    product: product.id,
    currency: "usd",
    unit_amount: amount,
    recurring: { interval: "month" },
  });
  return { product, price };
}

const basic = await plan("Basic", 1_000);
const pro = await plan("Pro", 2_500);
const config = await stripe.billingPortal.configurations.create({
  business_profile: {
    headline: "Acme partners with Stripe for simplified billing.",
    privacy_policy_url: "https://app.test/privacy",
    terms_of_service_url: "https://app.test/terms",
  },
  default_return_url: "https://app.test/settings/billing",
  features: {
    customer_update: { enabled: true, allowed_updates: ["email", "name"] },
    invoice_history: { enabled: true },
    payment_method_update: { enabled: true },
    subscription_cancel: {
      enabled: true,
      mode: "at_period_end",
      cancellation_reason: { enabled: true, options: ["too_expensive", "missing_features", "unused", "other"] },
    },
    subscription_update: {
      enabled: true,
      default_allowed_updates: ["price"],
      proration_behavior: "create_prorations",
      products: [
        { product: basic.product.id, prices: [basic.price.id] },
        { product: pro.product.id, prices: [pro.price.id] },
      ],
    },
  },
});

// A customer on a test clock whose renewal failed: past_due, a second card, an invoice history.
const clock = await stripe.testHelpers.testClocks.create({ frozen_time: JAN_1_2027 });
const customer = await stripe.customers.create({
  email: "jenny@example.com",
  name: "Jenny Rosen",
  test_clock: clock.id,
  payment_method: "pm_card_visa",
  invoice_settings: { default_payment_method: "pm_card_visa" },
});
const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: basic.price.id }] });
const failing = await stripe.paymentMethods.attach("pm_card_chargeCustomerFail", { customer: customer.id });
await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: failing.id } });
await stripe.subscriptions.update(sub.id, { default_payment_method: "" });
await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: JAN_1_2027 + 32 * 86_400 });
await new Promise((resolve) => setTimeout(resolve, 300));
const invoice = (await stripe.invoices.list({ customer: customer.id, limit: 1 })).data[0];

const portal = (flow?: Stripe.BillingPortal.SessionCreateParams.FlowData) =>
  stripe.billingPortal.sessions.create({
    customer: customer.id,
    configuration: config.id,
    return_url: "https://app.test/settings/billing",
    ...(flow === undefined ? {} : { flow_data: flow }),
  });
const checkout = (extra: Partial<Stripe.Checkout.SessionCreateParams>) =>
  stripe.checkout.sessions.create({
    mode: "subscription",
    line_items: [{ price: pro.price.id, quantity: 1 }],
    success_url: "https://app.test/ok?session_id={CHECKOUT_SESSION_ID}",
    cancel_url: "https://app.test/pricing",
    ...extra,
  });

type Shot = [name: string, url: string, act?: (page: Page) => Promise<void>];
const fresh = await checkout({ customer_email: "buyer@example.com" });
const trial = await checkout({ subscription_data: { trial_period_days: 14 } });
const expired = await checkout({});
await stripe.checkout.sessions.expire(expired.id);
const home = await portal();
const shots: Shot[] = [
  ["checkout", fresh.url ?? ""],
  ["checkout-trial", trial.url ?? ""],
  [
    "checkout-errors",
    fresh.url ?? "",
    async (page) => {
      await page.getByLabel("Card number").fill("4242 4242 42");
      await page.getByLabel("Expiration").fill("01 / 20");
      await page.getByRole("button", { name: "Subscribe" }).click();
    },
  ],
  [
    "checkout-declined",
    fresh.url ?? "",
    async (page) => {
      await page.getByLabel("Card number").fill("4000000000000002");
      await page.getByLabel("Expiration").fill("1234");
      await page.getByLabel("CVC").fill("123");
      await page.getByLabel("Cardholder name").fill("Jenny Rosen");
      await page.getByRole("button", { name: "Subscribe" }).click();
      await page.getByRole("alert").waitFor();
    },
  ],
  [
    "checkout-3ds",
    fresh.url ?? "",
    async (page) => {
      await page.getByLabel("Card number").fill("4000002500003155");
      await page.getByLabel("Expiration").fill("1234");
      await page.getByLabel("CVC").fill("123");
      await page.getByLabel("Cardholder name").fill("Jenny Rosen");
      await page.getByRole("button", { name: "Subscribe" }).click();
      await page
        .frameLocator('iframe[name^="__privateStripeFrame"]')
        .frameLocator("#challengeFrame")
        .getByRole("heading", { name: "3D Secure 2 Test Page" })
        .waitFor();
    },
  ],
  ["checkout-expired", expired.url ?? ""],
  ["portal-home", home.url],
  ["portal-update", `${home.url}/subscriptions/${sub.id}/update`],
  ["portal-update-confirm", `${home.url}/subscriptions/${sub.id}/update/confirm?price=${pro.price.id}`],
  ["portal-cancel-reason", `${home.url}/subscriptions/${sub.id}/cancel`],
  ["portal-cancel-confirm", `${home.url}/subscriptions/${sub.id}/cancel/confirm?reason=unused`],
  ["portal-add-card", `${home.url}/payment-methods/new`],
  ["portal-customer", `${home.url}/customer`],
  ["invoice", invoice?.hosted_invoice_url ?? ""],
];

await mkdir(OUT, { recursive: true });
const browser = await chromium.launch(chromiumLaunchOptions());
for (const [viewportName, viewport] of Object.entries(VIEWPORTS)) {
  const context = await browser.newContext({ viewport });
  await context.route("https://app.test/**", (route) =>
    route.fulfill({ contentType: "text/html", body: "<h1>App</h1>" }),
  );
  for (const [name, url, act] of shots) {
    const page = await context.newPage();
    await page.goto(url);
    if (act !== undefined) await act(page);
    await page.screenshot({ path: path.join(OUT, `${name}-${viewportName}.png`), fullPage: true });
    await page.close();
  }
  // Pages that need a finished flow or a spent session are made fresh for each viewport.
  const done = await portal({
    type: "payment_method_update",
    after_completion: {
      type: "hosted_confirmation",
      hosted_confirmation: { custom_message: "Thanks! Your new card is saved." },
    },
  });
  const page = await context.newPage();
  await page.goto(done.url);
  await page.getByLabel("Card number").fill("5555555555554444");
  await page.getByLabel("Expiration").fill("1234");
  await page.getByLabel("CVC").fill("123");
  await page.getByLabel("Cardholder name").fill("Jenny Rosen");
  await page.getByRole("button", { name: "Add card" }).click();
  await page.getByRole("heading", { name: "Payment method updated" }).waitFor();
  await page.screenshot({ path: path.join(OUT, `portal-confirmation-${viewportName}.png`), fullPage: true });
  await page.goto(home.url);
  await page.screenshot({ path: path.join(OUT, `portal-home-after-${viewportName}.png`), fullPage: true });
  const stale = await portal();
  emulator.app.store.portalSessions.set(stale.id, { ...stale, created: stale.created - 3_600 });
  await page.goto(stale.url);
  await page.screenshot({ path: path.join(OUT, `portal-expired-${viewportName}.png`), fullPage: true });
  await emulator.deliveriesIdle();
  await page.goto(emulator.url);
  await page.screenshot({ path: path.join(OUT, `dashboard-${viewportName}.png`), fullPage: true });
  await context.close();
}
await browser.close();
await emulator.stop();
receiver.close();
console.log(`Screenshots in ${OUT}`);
