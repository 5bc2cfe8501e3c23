// flow_data deep links (each flow type) and after_completion (each type), plus a portal link that
// expired before it was opened.
import { APP_URL, expect, test } from "./support/fixtures.ts";
import {
  createPlans,
  createPortalConfiguration,
  eventTypesFor,
  portalSession,
  retrieveCustomer,
  subscribedCustomer,
} from "./support/billing.ts";
import { CARDS } from "./support/pages.ts";

test("payment_method_update + redirect: opens on the card form; the new card is default; 303 to return_url", async ({
  page,
  stripe,
  portal,
}) => {
  const plans = await createPlans(stripe);
  const config = await createPortalConfiguration(stripe, plans);
  const { customer, subscription } = await subscribedCustomer(stripe, plans.basic.price);
  const session = await portalSession(stripe, customer.id, config.id, {
    type: "payment_method_update",
    after_completion: { type: "redirect", redirect: { return_url: `${APP_URL}/settings/billing?card=updated` } },
  });
  await portal.open(session.url);
  await expect(page).toHaveURL(`${session.url}/payment-methods/new`);
  await expect(page.getByText("This card will become your default payment method.")).toBeVisible();
  // A confined flow keeps the customer in it: other portal pages lead back to the flow.
  await page.goto(`${session.url}/customer`);
  await expect(page).toHaveURL(`${session.url}/payment-methods/new`);

  await portal.addCard({ number: CARDS.mastercard });
  await expect(page).toHaveURL(`${APP_URL}/settings/billing?card=updated`);
  const card = (await stripe.paymentMethods.list({ customer: customer.id })).data.find(
    (pm) => pm.card?.last4 === "4444",
  );
  expect(card).toBeDefined();
  expect((await retrieveCustomer(stripe, customer.id)).invoice_settings.default_payment_method).toBe(card?.id);
  expect((await stripe.subscriptions.retrieve(subscription.id)).default_payment_method).toBe(card?.id);
  expect((await eventTypesFor(stripe, card?.id ?? "")).slice(0, 2)).toEqual([
    "payment_method.attached",
    "customer.updated",
  ]);
});

test("subscription_cancel + hosted_confirmation: opens on the cancellation, shows the custom message", async ({
  page,
  stripe,
  portal,
}) => {
  const plans = await createPlans(stripe);
  const config = await createPortalConfiguration(stripe, plans, { reasons: true });
  const { customer, subscription } = await subscribedCustomer(stripe, plans.pro.price);
  const session = await portalSession(stripe, customer.id, config.id, {
    type: "subscription_cancel",
    subscription_cancel: { subscription: subscription.id },
    after_completion: {
      type: "hosted_confirmation",
      hosted_confirmation: { custom_message: "Sorry to see you go, Jenny." },
    },
  });
  await portal.open(session.url);
  await expect(page).toHaveURL(`${session.url}/subscriptions/${subscription.id}/cancel`);
  await page.getByLabel("Some features are missing").check();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByRole("button", { name: "Cancel plan" }).click();

  await expect(page).toHaveURL(`${session.url}/done`);
  await expect(page.getByRole("heading", { name: "Subscription canceled" })).toBeVisible();
  await expect(page.getByText("Sorry to see you go, Jenny.")).toBeVisible();
  await expect(page.getByRole("main").getByRole("link", { name: "Return to app.test" })).toHaveAttribute(
    "href",
    `${APP_URL}/settings/billing`,
  );
  await portal.open(session.url);
  await expect(page).toHaveURL(`${session.url}/done`);

  expect(await stripe.subscriptions.retrieve(subscription.id)).toMatchObject({
    cancel_at_period_end: true,
    cancellation_details: { feedback: "missing_features" },
  });
  expect((await eventTypesFor(stripe, subscription.id, /^customer\.subscription\./)).at(-1)).toBe(
    "customer.subscription.updated",
  );
});

test("subscription_update + portal_homepage: opens on the plans, lands on the portal home after confirming", async ({
  page,
  stripe,
  portal,
}) => {
  const plans = await createPlans(stripe);
  const config = await createPortalConfiguration(stripe, plans, { proration: "none" });
  const { customer, subscription } = await subscribedCustomer(stripe, plans.basic.price);
  const session = await portalSession(stripe, customer.id, config.id, {
    type: "subscription_update",
    subscription_update: { subscription: subscription.id },
    after_completion: { type: "portal_homepage" },
  });
  await portal.open(session.url);
  await expect(page).toHaveURL(`${session.url}/subscriptions/${subscription.id}/update`);
  await page.getByRole("link", { name: "Select Pro" }).click();
  await expect(page.getByText("No prorated charge")).toBeVisible();
  await page.getByRole("button", { name: "Confirm" }).click();

  await expect(page).toHaveURL(`${session.url}?notice=plan_updated`);
  await expect(portal.notice()).toHaveText("Your plan has been updated.");
  await expect(portal.subscription("Pro")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Payment methods" })).toBeVisible();
  expect((await stripe.subscriptions.retrieve(subscription.id)).items.data[0]?.price.id).toBe(plans.pro.price.id);
  expect((await stripe.invoices.list({ subscription: subscription.id })).data).toHaveLength(1);
});

test("subscription_update_confirm + hosted_confirmation: opens on the confirmation of the given price", async ({
  page,
  stripe,
  portal,
}) => {
  const plans = await createPlans(stripe);
  const config = await createPortalConfiguration(stripe, plans);
  const { customer, subscription } = await subscribedCustomer(stripe, plans.basic.price);
  const item = subscription.items.data[0]?.id ?? "";
  const session = await portalSession(stripe, customer.id, config.id, {
    type: "subscription_update_confirm",
    subscription_update_confirm: {
      subscription: subscription.id,
      items: [{ id: item, price: plans.pro.price.id, quantity: 2 }],
    },
    after_completion: { type: "hosted_confirmation" },
  });
  await portal.open(session.url);
  await expect(page).toHaveURL(`${session.url}/subscriptions/${subscription.id}/update/confirm`);
  await expect(page.getByText("$25.00 per month × 2")).toBeVisible();
  await page.getByRole("button", { name: "Confirm" }).click();

  await expect(page.getByRole("heading", { name: "Subscription updated" })).toBeVisible();
  await expect(page.getByText("Your plan has been updated.")).toBeVisible();
  expect((await stripe.subscriptions.retrieve(subscription.id)).items.data[0]).toMatchObject({
    id: item,
    quantity: 2,
    price: { id: plans.pro.price.id },
  });
});

test("a portal link not opened within its lifetime answers 410; an opened one keeps working", async ({
  page,
  stripe,
  control,
  portal,
}) => {
  const plans = await createPlans(stripe);
  const config = await createPortalConfiguration(stripe, plans);
  const { customer } = await subscribedCustomer(stripe, plans.basic.price);
  expect((await control.getSettings()).portalSessionLifetimeSeconds).toBe(300);
  const opened = await portalSession(stripe, customer.id, config.id);
  await portal.open(opened.url);

  await control.setSettings({ portalSessionLifetimeSeconds: 0 });
  const stale = await portalSession(stripe, customer.id, config.id);
  const response = await page.goto(stale.url);
  expect(response?.status()).toBe(410);
  await expect(page.getByRole("heading", { name: "This portal session has expired" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Return" })).toHaveAttribute("href", `${APP_URL}/settings/billing`);

  expect((await page.goto(opened.url))?.status()).toBe(200);
  await expect(portal.subscription("Basic")).toBeVisible();
});

test("customer_update + redirect: opens on the billing information form", async ({ page, stripe, portal }) => {
  const plans = await createPlans(stripe);
  const config = await createPortalConfiguration(stripe, plans);
  const { customer } = await subscribedCustomer(stripe, plans.basic.price);
  const session = await portalSession(stripe, customer.id, config.id, {
    type: "customer_update",
    after_completion: { type: "redirect", redirect: { return_url: `${APP_URL}/settings/billing?profile=saved` } },
  });
  await portal.open(session.url);
  await expect(page).toHaveURL(`${session.url}/customer`);
  await page.getByLabel("Name").fill("Jenny Q. Rosen");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page).toHaveURL(`${APP_URL}/settings/billing?profile=saved`);
  expect((await retrieveCustomer(stripe, customer.id)).name).toBe("Jenny Q. Rosen");
  expect((await eventTypesFor(stripe, customer.id, /^customer\.updated$/)).length).toBe(1);
});
