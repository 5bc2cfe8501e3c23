// Customer Portal plans: update with each proration behaviour, cancel at period end then renew,
// cancel immediately. Each checks the subscription through the SDK and the events it produced.
import { expect, test } from "./support/fixtures.ts";
import {
  createPlans,
  createPortalConfiguration,
  eventsFor,
  longDate,
  periodEndOf,
  portalSession,
  previousAttributes,
  subscribedCustomer,
} from "./support/billing.ts";

for (const proration of ["create_prorations", "always_invoice"] as const) {
  test(`Update plan → Confirm swaps the price (${proration})`, async ({ page, stripe, portal }) => {
    const plans = await createPlans(stripe);
    const config = await createPortalConfiguration(stripe, plans, { proration });
    const { customer, subscription } = await subscribedCustomer(stripe, plans.basic.price);
    const session = await portalSession(stripe, customer.id, config.id);
    await portal.open(session.url);

    const basic = portal.subscription("Basic");
    await expect(basic).toContainText("$10.00 per month");
    await expect(basic).toContainText("Active");
    await expect(basic).toContainText(`Renews on ${longDate(periodEndOf(subscription))}`);
    await basic.getByRole("link", { name: "Update plan" }).click();
    await expect(page.getByRole("listitem", { name: /^Basic/ })).toContainText("Current plan");
    await page.getByRole("link", { name: "Select Pro" }).click();
    await expect(page.getByRole("heading", { name: "Confirm your updated plan" })).toBeVisible();
    await expect(page.getByText("$25.00 per month")).toBeVisible();
    await expect(
      page.getByText(
        proration === "always_invoice"
          ? /You'll be charged \$\d+\.\d\d today/
          : /prorated charge of \$\d+\.\d\d will be added to your next invoice/,
      ),
    ).toBeVisible();
    await page.getByRole("button", { name: "Confirm" }).click();

    await expect(portal.notice()).toHaveText("Your plan has been updated.");
    await expect(portal.subscription("Pro")).toContainText("$25.00 per month");
    const updated = await stripe.subscriptions.retrieve(subscription.id);
    expect(updated.items.data.map((item) => item.price.id)).toEqual([plans.pro.price.id]);
    const invoices = await stripe.invoices.list({ subscription: subscription.id });
    if (proration === "always_invoice") {
      expect(invoices.data[0]).toMatchObject({ billing_reason: "subscription_update", status: "paid" });
      expect(invoices.data).toHaveLength(2);
    } else {
      expect(invoices.data).toHaveLength(1);
    }
    const changes = (await eventsFor(stripe, subscription.id, /^customer\.subscription\.updated$/)).filter(
      (event) => "items" in previousAttributes(event),
    );
    expect(changes).toHaveLength(1);
    expect(JSON.stringify(previousAttributes(changes[0]).items)).toContain(plans.basic.price.id);
  });
}

test("Cancel plan at period end with a reason, then Renew plan", async ({ page, stripe, portal }) => {
  const plans = await createPlans(stripe);
  const config = await createPortalConfiguration(stripe, plans, { cancelMode: "at_period_end", reasons: true });
  const { customer, subscription } = await subscribedCustomer(stripe, plans.basic.price);
  const end = longDate(periodEndOf(subscription));
  const session = await portalSession(stripe, customer.id, config.id);
  await portal.open(session.url);

  await portal.subscription("Basic").getByRole("link", { name: "Cancel plan" }).click();
  await expect(page.getByRole("heading", { name: "Why are you canceling?" })).toBeVisible();
  await page.getByLabel("It's too expensive").check();
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByText(`still available until the end of your billing period on ${end}`)).toBeVisible();
  await page.getByRole("button", { name: "Cancel plan" }).click();

  await expect(portal.notice()).toHaveText("Your plan will be canceled at the end of the billing period.");
  await expect(portal.subscription("Basic")).toContainText(`Cancels on ${end}`);
  const canceling = await stripe.subscriptions.retrieve(subscription.id);
  expect(canceling).toMatchObject({
    status: "active",
    cancel_at_period_end: true,
    cancel_at: periodEndOf(subscription),
    cancellation_details: { feedback: "too_expensive", reason: "cancellation_requested" },
  });

  await portal.subscription("Basic").getByRole("button", { name: "Renew plan" }).click();
  await expect(portal.notice()).toHaveText("Your plan has been renewed.");
  await expect(portal.subscription("Basic")).toContainText(`Renews on ${end}`);
  expect(await stripe.subscriptions.retrieve(subscription.id)).toMatchObject({
    status: "active",
    cancel_at_period_end: false,
    cancel_at: null,
  });

  const updates = await eventsFor(stripe, subscription.id, /^customer\.subscription\.updated$/);
  const toggles = updates
    .map((event) => previousAttributes(event).cancel_at_period_end)
    .filter((value) => value !== undefined);
  expect(toggles).toEqual([false, true]);
});

test("Cancel plan immediately (configuration mode: immediately)", async ({ page, stripe, portal }) => {
  const plans = await createPlans(stripe);
  const config = await createPortalConfiguration(stripe, plans, { cancelMode: "immediately" });
  const { customer, subscription } = await subscribedCustomer(stripe, plans.pro.price);
  const session = await portalSession(stripe, customer.id, config.id);
  await portal.open(session.url);

  await portal.subscription("Pro").getByRole("link", { name: "Cancel plan" }).click();
  await expect(page.getByText("Your plan will be canceled immediately")).toBeVisible();
  await page.getByRole("button", { name: "Cancel plan" }).click();

  await expect(portal.notice()).toHaveText("Your plan has been canceled.");
  await expect(page.getByText("No active subscription.")).toBeVisible();
  expect(await stripe.subscriptions.retrieve(subscription.id)).toMatchObject({
    status: "canceled",
    cancellation_details: { reason: "cancellation_requested" },
  });
  const types = (await eventsFor(stripe, subscription.id, /^customer\.subscription\./)).map((event) => event.type);
  expect(types.at(-1)).toBe("customer.subscription.deleted");
});
