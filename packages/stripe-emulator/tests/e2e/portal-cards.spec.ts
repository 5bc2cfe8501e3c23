// Customer Portal payment methods: add, make default, remove; test-card outcomes when adding;
// paying a past-due invoice after a failed renewal.
import { expect, test } from "./support/fixtures.ts";
import {
  createPlans,
  createPortalConfiguration,
  DAY,
  eventsFor,
  idOf,
  portalSession,
  previousAttributes,
  retrieveCustomer,
  subscribedCustomer,
} from "./support/billing.ts";
import { CARDS } from "./support/pages.ts";

const JAN_1_2027 = Date.UTC(2027, 0, 1) / 1000;

test("add a card, make it the default, remove the old one", async ({ page, stripe, portal }) => {
  const plans = await createPlans(stripe);
  const config = await createPortalConfiguration(stripe, plans);
  const { customer, subscription } = await subscribedCustomer(stripe, plans.basic.price);
  const oldCard = idOf(customer.invoice_settings.default_payment_method);
  const session = await portalSession(stripe, customer.id, config.id);
  await portal.open(session.url);
  await expect(portal.paymentMethod("4242")).toContainText("Default");

  await page.getByRole("link", { name: "+ Add payment method" }).click();
  await portal.addCard({ number: CARDS.mastercard, expiry: "08 / 31" });
  await expect(portal.notice()).toHaveText("Your payment method has been added.");
  await expect(portal.paymentMethod("4444")).toContainText("Mastercard •••• 4444");
  await expect(portal.paymentMethod("4444")).toContainText("Expires 08/2031");
  await expect(portal.paymentMethod("4444")).not.toContainText("Default");
  await expect(portal.paymentMethod("4242").getByRole("button", { name: "Remove" })).toHaveCount(0);

  await portal.paymentMethod("4444").getByRole("button", { name: "Make default" }).click();
  await expect(portal.notice()).toHaveText("Your default payment method has been updated.");
  await expect(portal.paymentMethod("4444")).toContainText("Default");
  const newCard = (await stripe.paymentMethods.list({ customer: customer.id })).data.find(
    (pm) => pm.card?.last4 === "4444",
  );
  expect(newCard).toMatchObject({
    card: { brand: "mastercard", exp_month: 8, exp_year: 2031 },
    billing_details: { name: "Jenny Rosen" },
  });
  const newId = idOf(newCard);
  expect((await retrieveCustomer(stripe, customer.id)).invoice_settings.default_payment_method).toBe(newId);
  expect((await stripe.subscriptions.retrieve(subscription.id)).default_payment_method).toBe(newId);

  await portal.paymentMethod("4242").getByRole("button", { name: "Remove" }).click();
  await expect(portal.notice()).toHaveText("Your payment method has been removed.");
  await expect(portal.paymentMethod("4242")).toHaveCount(0);
  expect((await stripe.paymentMethods.list({ customer: customer.id })).data.map((pm) => pm.id)).toEqual([newId]);
  expect((await stripe.paymentMethods.retrieve(oldCard)).customer).toBeNull();

  const portalEvents = (
    await eventsFor(stripe, customer.id, /^(payment_method\.|customer\.updated$|customer\.subscription\.updated$)/)
  ).slice(-4);
  expect(portalEvents.map((event) => event.type)).toEqual([
    "payment_method.attached",
    "customer.updated",
    "customer.subscription.updated",
    "payment_method.detached",
  ]);
  expect(previousAttributes(portalEvents[1])).toEqual({ invoice_settings: { default_payment_method: oldCard } });
  expect(previousAttributes(portalEvents[2])).toEqual({ default_payment_method: null });
});

test("adding a card follows the test cards: declines, 3-D Secure fail and complete", async ({
  page,
  stripe,
  portal,
}) => {
  const plans = await createPlans(stripe);
  const config = await createPortalConfiguration(stripe, plans);
  const { customer } = await subscribedCustomer(stripe, plans.basic.price);
  const session = await portalSession(stripe, customer.id, config.id);
  await portal.open(`${session.url}/payment-methods/new`);

  await portal.addCard({ number: CARDS.declined });
  await expect(page.getByRole("alert")).toHaveText("Your card has been declined.");
  await portal.addCard({ number: CARDS.insufficientFunds });
  await expect(page.getByRole("alert")).toHaveText("Your card has insufficient funds.");
  await portal.addCard({ number: CARDS.threeDSecure });
  await portal.authenticate("Fail");
  await expect(page.getByRole("alert")).toHaveText(/^We are unable to authenticate your payment method\./);
  expect((await stripe.paymentMethods.list({ customer: customer.id })).data).toHaveLength(1);

  await portal.addCard({ number: CARDS.threeDSecure });
  await portal.authenticate("Complete");
  await expect(portal.notice()).toHaveText("Your payment method has been added.");
  await expect(portal.paymentMethod("3155")).toBeVisible();
  const cards = (await stripe.paymentMethods.list({ customer: customer.id })).data.map((pm) => pm.card?.last4);
  expect(cards.sort()).toEqual(["3155", "4242"]);
  expect((await stripe.events.list({ type: "payment_method.attached" })).data).toHaveLength(2);
});

test("Pay now settles a past-due invoice once a working card is the default", async ({ page, stripe, portal }) => {
  const plans = await createPlans(stripe);
  const config = await createPortalConfiguration(stripe, plans);
  const clock = await stripe.testHelpers.testClocks.create({ frozen_time: JAN_1_2027 });
  const { customer, subscription } = await subscribedCustomer(stripe, plans.basic.price, { testClock: clock.id });
  // As in part 1's life-cycle test: the renewal is charged to a card that attaches but always fails.
  const failing = await stripe.paymentMethods.attach("pm_card_chargeCustomerFail", { customer: customer.id });
  await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: failing.id } });
  await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: JAN_1_2027 + 32 * DAY });
  await expect.poll(async () => (await stripe.testHelpers.testClocks.retrieve(clock.id)).status).toBe("ready");
  expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe("past_due");
  const invoice = (await stripe.invoices.list({ subscription: subscription.id, status: "open" })).data[0];
  expect(invoice).toBeDefined();

  const session = await portalSession(stripe, customer.id, config.id);
  await portal.open(session.url);
  const due = page.getByRole("region", { name: "Payment due" });
  await expect(due).toContainText("$10.00 is past due");
  await expect(portal.subscription("Basic")).toContainText("Past due");
  await due.getByRole("button", { name: "Pay now" }).click();
  await expect(page.getByRole("alert")).toHaveText("Your card has been declined.");

  await page.getByRole("link", { name: "+ Add payment method" }).click();
  await portal.addCard({ number: CARDS.mastercard });
  await portal.paymentMethod("4444").getByRole("button", { name: "Make default" }).click();
  await expect(page.getByRole("region", { name: "Payment due" })).toContainText("paid with Mastercard •••• 4444");
  await page.getByRole("region", { name: "Payment due" }).getByRole("button", { name: "Pay now" }).click();

  await expect(portal.notice()).toHaveText("Your payment was successful.");
  await expect(page.getByRole("region", { name: "Payment due" })).toHaveCount(0);
  await expect(portal.subscription("Basic")).toContainText("Active");
  expect(await stripe.invoices.retrieve(idOf(invoice))).toMatchObject({ status: "paid", attempt_count: 3 });
  expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe("active");
  const tail = (await eventsFor(stripe, customer.id, /^(invoice\.|customer\.subscription\.updated)/)).slice(-5);
  expect(tail.map((event) => event.type)).toEqual([
    "invoice.payment_failed",
    "customer.subscription.updated",
    "invoice.paid",
    "invoice.payment_succeeded",
    "customer.subscription.updated",
  ]);
  expect(previousAttributes(tail[4])).toMatchObject({ status: "past_due" });
});
