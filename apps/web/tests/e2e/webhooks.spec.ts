// The webhook route as Stripe reaches it: over HTTP, raw body, signed by the emulator.
import { BillingPage } from "./support/billing-page.ts";
import { expect, test } from "./support/fixtures.ts";
import { CARDS, HostedCheckout } from "./support/stripe-pages.ts";
import { stripe } from "./support/stripe.ts";

test("a change made in Stripe reaches the page through signed webhooks alone", async ({ page, signedUpUser }) => {
  const billing = new BillingPage(page);
  await billing.subscribe("Team");
  await billing.checkoutSessionId();
  await new HostedCheckout(page).pay(CARDS.visa);
  await billing.expectPlan("Team", /^Renews on /);
  const [customer] = (await stripe.customers.list({ email: signedUpUser.email })).data;
  const [subscription] = (await stripe.subscriptions.list({ customer: customer?.id ?? "" })).data;

  // Canceled in Stripe directly (as from the dashboard): only the webhook can tell the app.
  await stripe.subscriptions.update(subscription?.id ?? "", { cancel_at_period_end: true });
  await expect(async () => {
    await billing.goto();
    await expect(billing.nextStep()).toHaveText(/^Cancels on /, { timeout: 500 });
  }).toPass({ timeout: 15_000 });
});

test("the route refuses what is not a signed Stripe event, and only accepts POST", async ({ request }) => {
  const body = JSON.stringify({
    id: "evt_forged",
    object: "event",
    type: "customer.subscription.deleted",
    livemode: false,
    created: 1,
    data: { object: { object: "subscription", customer: "cus_x" } },
  });
  const forged = await request.post("/api/webhooks/stripe", {
    data: body,
    headers: { "Content-Type": "application/json", "Stripe-Signature": "t=1,v1=deadbeef" },
  });
  expect(forged.status()).toBe(400);
  expect(await forged.json()).toMatchObject({ received: false, outcome: "rejected" });

  const unsigned = await request.post("/api/webhooks/stripe", {
    data: body,
    headers: { "Content-Type": "application/json" },
  });
  expect(unsigned.status()).toBe(400);
  expect(await unsigned.json()).toMatchObject({ reason: "missing Stripe-Signature header" });

  const big = await request.post("/api/webhooks/stripe", {
    data: "x".repeat(1024 * 1024 + 1),
    headers: { "Stripe-Signature": "t=1,v1=00" },
  });
  expect(big.status()).toBe(413);

  expect((await request.get("/api/webhooks/stripe")).status()).toBe(405);
});
