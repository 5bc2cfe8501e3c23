// The dashboard at / shows what a flow did: its objects, its events and their webhook deliveries.
import { expect, test } from "./support/fixtures.ts";
import { createPlans, expanded, subscriptionCheckout } from "./support/billing.ts";
import { CARDS } from "./support/pages.ts";

test("after a hosted checkout, the dashboard lists its objects, events and deliveries, each linking to JSON", async ({
  page,
  stripe,
  control,
  emulator,
  checkout,
  webhookReceiver,
}) => {
  const { pro } = await createPlans(stripe);
  const session = await subscriptionCheckout(stripe, pro.price, { customer_email: "dashboard@example.com" });
  await checkout.open(session.url);
  await checkout.pay({ number: CARDS.success });
  await expect(page).toHaveURL(/checkout=success/);
  expect(await control.waitForDeliveries()).toBe(true);
  const done = await stripe.checkout.sessions.retrieve(session.id, { expand: ["subscription"] });
  const subscription = expanded(done.subscription);
  const completed = (await stripe.events.list({ type: "checkout.session.completed" })).data[0];
  const logged = await control.deliveries();
  expect(logged.every((entry) => entry.ok && entry.attempt === 1)).toBe(true);
  expect(webhookReceiver.received()).toBeGreaterThanOrEqual(logged.length);

  await page.goto(emulator.url);
  await expect(page.getByRole("heading", { name: "Stripe emulator" })).toBeVisible();
  await expect(page.getByRole("table", { name: /^Customers/ })).toContainText("dashboard@example.com");
  const subscriptionRow = page
    .getByRole("table", { name: /^Subscriptions/ })
    .getByRole("row", { name: new RegExp(subscription.id) });
  await expect(subscriptionRow).toContainText("Active");
  await expect(subscriptionRow).toContainText("Pro · $25.00 per month");
  await expect(
    page
      .getByRole("table", { name: /^Invoices/ })
      .getByRole("row")
      .nth(1),
  ).toContainText("Paid");
  await expect(page.getByRole("table", { name: /^Checkout sessions/ })).toContainText("complete");
  await expect(
    page
      .getByRole("table", { name: /^Events/ })
      .getByRole("row")
      .nth(1),
  ).toContainText("checkout.session.completed");

  const deliveries = page.getByRole("table", { name: /^Webhook deliveries/ });
  const delivery = deliveries.getByRole("row", { name: new RegExp(completed?.id ?? "missing") });
  await expect(delivery).toContainText("forward-to");
  await expect(delivery.getByRole("cell").nth(3)).toHaveText("1");
  await expect(delivery).toContainText("200");
  await expect(deliveries.getByRole("row")).toHaveCount(logged.length + 1);

  await subscriptionRow.getByRole("link", { name: subscription.id }).click();
  expect(JSON.parse(await page.locator("body").innerText())).toMatchObject({
    id: subscription.id,
    object: "subscription",
    status: "active",
  });
  await page.goBack();
  await delivery.getByRole("link", { name: completed?.id ?? "missing" }).click();
  expect(JSON.parse(await page.locator("body").innerText())).toMatchObject({
    id: completed?.id,
    type: "checkout.session.completed",
    data: { object: { id: session.id } },
  });
});
