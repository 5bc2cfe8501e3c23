// Hosted Checkout: paying, Stripe's test-card outcomes, 3-D Secure, validation, closed sessions.
import { APP_URL, expect, test } from "./support/fixtures.ts";
import { createPlans, eventTypesFor, expanded, idOf, subscriptionCheckout } from "./support/billing.ts";
import { CARDS, challengeButton } from "./support/pages.ts";

const SUCCESS_EVENTS = [
  "customer.created",
  "payment_method.attached",
  "customer.subscription.created",
  "invoice.created",
  "invoice.finalized",
  "invoice.paid",
  "invoice.payment_succeeded",
  "customer.subscription.updated",
  "checkout.session.completed",
];

test("4242 completes the session: subscription, paid invoice, events, redirect to success_url", async ({
  page,
  stripe,
  checkout,
}) => {
  const { pro } = await createPlans(stripe);
  const session = await subscriptionCheckout(stripe, pro.price, { customer_email: "buyer@example.com" });
  await checkout.open(session.url);
  await expect(page.getByRole("region", { name: "Order" })).toContainText("Subscribe to Pro");
  await expect(page.getByRole("region", { name: "Order" })).toContainText("$25.00per month");
  await expect(page.getByLabel("Email")).toHaveValue("buyer@example.com");
  await expect(page.getByLabel("Email")).not.toBeEditable();

  await checkout.pay({ number: CARDS.success, expiry: "12 / 34", name: "Jenny Rosen" });
  await expect(page).toHaveURL(`${APP_URL}/settings/billing?checkout=success&session_id=${session.id}`);

  const done = await stripe.checkout.sessions.retrieve(session.id, {
    expand: ["subscription", "subscription.default_payment_method"],
  });
  expect(done).toMatchObject({ status: "complete", payment_status: "paid" });
  const subscription = expanded(done.subscription);
  expect(subscription.status).toBe("active");
  expect(subscription.default_payment_method).toMatchObject({
    card: { last4: "4242", exp_month: 12, exp_year: 2034 },
    billing_details: { name: "Jenny Rosen" },
  });
  expect((await stripe.invoices.retrieve(idOf(done.invoice))).status).toBe("paid");
  expect(await eventTypesFor(stripe, idOf(subscription.customer))).toEqual(SUCCESS_EVENTS);
});

const DECLINES = [
  { card: CARDS.declined, message: "Your card has been declined." },
  { card: CARDS.insufficientFunds, message: "Your card has insufficient funds." },
  { card: CARDS.chargeFails, message: "Your card has been declined." },
];

for (const { card, message } of DECLINES) {
  test(`${card} shows "${message}" and leaves no subscription`, async ({ page, stripe, checkout }) => {
    const { pro } = await createPlans(stripe);
    const session = await subscriptionCheckout(stripe, pro.price, { customer_email: "declined@example.com" });
    await checkout.open(session.url);
    await checkout.pay({ number: card });
    await expect(checkout.error()).toHaveText(message);
    await expect(page).toHaveURL(session.url ?? "");
    await expect(page.getByLabel("Card number")).toHaveValue(/\d{4} \d{4} \d{4} \d{4}/);

    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");
    expect((await stripe.subscriptions.list({ status: "all" })).data).toHaveLength(0);
    expect((await stripe.customers.list({ email: "declined@example.com" })).data).toHaveLength(0);
    expect((await stripe.events.list({ type: "checkout.session.completed" })).data).toHaveLength(0);
  });
}

test("3-D Secure: Complete finishes the checkout", async ({ page, stripe, checkout }) => {
  const { pro } = await createPlans(stripe);
  const session = await subscriptionCheckout(stripe, pro.price, { customer_email: "3ds@example.com" });
  await checkout.open(session.url);
  await checkout.pay({ number: CARDS.threeDSecure });
  // The bank's page sits in its frame inside Stripe's, as in test mode.
  const bank = page.frameLocator('iframe[name^="__privateStripeFrame"]').frameLocator("#challengeFrame");
  await expect(bank.getByRole("heading", { name: "3D Secure 2 Test Page" })).toBeVisible();
  await expect(bank.getByText("a payment of $25.00")).toBeVisible();
  await challengeButton(page, "Complete").click();
  await expect(page).toHaveURL(new RegExp(`session_id=${session.id}$`));

  const done = await stripe.checkout.sessions.retrieve(session.id, { expand: ["subscription"] });
  expect(done.status).toBe("complete");
  const subscription = expanded(done.subscription);
  expect(subscription.status).toBe("active");
  expect(await eventTypesFor(stripe, idOf(subscription.customer))).toEqual(SUCCESS_EVENTS);
});

test("3-D Secure: Fail shows the authentication error and changes nothing; another card then works", async ({
  page,
  stripe,
  checkout,
}) => {
  const { pro } = await createPlans(stripe);
  const session = await subscriptionCheckout(stripe, pro.price, { customer_email: "3ds-fail@example.com" });
  await checkout.open(session.url);
  await checkout.pay({ number: CARDS.threeDSecure });
  await challengeButton(page, "Fail").click();
  await expect(checkout.error()).toHaveText(/^We are unable to authenticate your payment method\./);
  expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");
  expect((await stripe.subscriptions.list({ status: "all" })).data).toHaveLength(0);
  expect((await stripe.customers.list()).data).toHaveLength(0);

  await checkout.pay({ number: CARDS.success });
  await expect(page).toHaveURL(new RegExp(`session_id=${session.id}$`));
  expect((await stripe.subscriptions.list()).data.map((sub) => sub.status)).toEqual(["active"]);
});

test("existing customer: email locked, trial summary, back link to cancel_url", async ({ page, stripe, checkout }) => {
  const { basic } = await createPlans(stripe);
  const customer = await stripe.customers.create({ email: "member@example.com" });
  const session = await subscriptionCheckout(stripe, basic.price, {
    customer: customer.id,
    subscription_data: { trial_period_days: 14 },
  });
  await checkout.open(session.url);
  const order = page.getByRole("region", { name: "Order" });
  await expect(order).toContainText("14 days free");
  await expect(order).toContainText("Then $10.00 per month starting");
  await expect(order).toContainText("Total due today$0.00");
  await expect(page.getByLabel("Email")).toHaveValue("member@example.com");
  await expect(page.getByLabel("Email")).toHaveAttribute("readonly", "");
  await page.getByRole("link", { name: "Back" }).click();
  await expect(page).toHaveURL(`${APP_URL}/settings/billing?checkout=canceled`);
  expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");
});

test("expired and completed sessions show a clear page", async ({ page, stripe, control, checkout }) => {
  const { basic } = await createPlans(stripe);
  const expired = await subscriptionCheckout(stripe, basic.price);
  await stripe.checkout.sessions.expire(expired.id);
  const response = await page.goto(expired.url ?? "");
  expect(response?.status()).toBe(410);
  await expect(page.getByRole("heading", { name: "This checkout session has expired" })).toBeVisible();

  const completed = await subscriptionCheckout(stripe, basic.price, { customer_email: "done@example.com" });
  await control.completeCheckout(completed.id);
  await checkout.open(completed.url);
  await expect(page.getByRole("heading", { name: "This checkout is already complete" })).toBeVisible();
  await page.getByRole("link", { name: "Continue" }).click();
  await expect(page).toHaveURL(new RegExp(`session_id=${completed.id}$`));

  expect((await page.goto(`${new URL(completed.url ?? "").origin}/c/pay/cs_test_missing`))?.status()).toBe(404);
});
