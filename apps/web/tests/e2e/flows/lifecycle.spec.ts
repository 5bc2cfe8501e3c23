// QA flows 6, 7 and 10: what time does to a subscription, driven by test clocks.
import { BillingPage } from "../support/billing-page.ts";
import { expect, test } from "../support/fixtures.ts";
import { CARDS, HostedCheckout, HostedPortal } from "../support/stripe-pages.ts";
import { advanceClock, DAY } from "../support/stripe.ts";
import { makeChargesFail, subscribeOnClock } from "../support/subscriber.ts";

test("dunning: a failed renewal shows the banner and grace period; a new card and payment clear it", async ({
  page,
  signedUpUser,
}) => {
  const billing = new BillingPage(page);
  const { clock, customer, periodEnd } = await subscribeOnClock(signedUpUser.email, "pro_monthly");
  await billing.goto();
  await billing.expectPlan("Pro", /^Renews on /);

  await makeChargesFail(customer.id);
  await advanceClock(clock.id, periodEnd + 3_600);
  await billing.goto();
  const banner = page.getByRole("alert").filter({ has: page.getByRole("heading", { name: "Payment failed" }) });
  await expect(banner).toContainText("Update your payment method");
  await expect(page.getByText("Past due", { exact: true })).toBeVisible();
  await expect(page.getByRole("region", { name: "Notifications" })).toContainText("We couldn't charge $29.00");

  await page.goto("/app/reports");
  await expect(page.getByRole("alert")).toContainText("Your last payment failed");
  await expect(page.getByRole("heading", { name: "Monthly summary" })).toBeVisible();

  await billing.goto();
  await banner.getByRole("button", { name: "Update payment method" }).click();
  const portal = new HostedPortal(page);
  await portal.expectOpen();
  await portal.addCard(CARDS.visa);
  await expect(page).toHaveURL(/\/settings\/billing/);
  await billing.manageButton().click();
  await portal.payNow();
  await portal.returnToApp();

  await expect(async () => {
    await billing.goto();
    await expect(page.getByText("Active", { exact: true })).toBeVisible({ timeout: 500 });
  }).toPass({ timeout: 15_000 });
  await expect(banner).toHaveCount(0);
  await expect(page.getByRole("region", { name: "Notifications" })).toContainText("Payment received");
});

test("retries exhausted: the subscription ends, paid pages refuse, and subscribing again works", async ({
  page,
  signedUpUser,
}) => {
  const billing = new BillingPage(page);
  const { clock, customer, periodEnd } = await subscribeOnClock(signedUpUser.email, "starter_monthly");
  await makeChargesFail(customer.id);
  await advanceClock(clock.id, periodEnd + 3_600);
  await advanceClock(clock.id, periodEnd + 10 * DAY);

  await billing.goto();
  await expect(billing.nextStep()).toHaveText("Your subscription has ended.");
  const reports = await page.goto("/app/reports");
  expect(reports?.status()).toBe(403);
  await expect(page.getByRole("alert")).toContainText("Reports are part of the paid plans");

  await billing.goto();
  await billing.subscribe("Team");
  await billing.checkoutSessionId();
  await new HostedCheckout(page).pay(CARDS.visa);
  await billing.expectPlan("Team", /^Renews on /);
  expect((await page.goto("/app/reports"))?.status()).toBe(200);
});

test("a yearly plan with a trial shows when the trial ends, then converts to paid", async ({ page, signedUpUser }) => {
  const billing = new BillingPage(page);
  const { clock } = await subscribeOnClock(signedUpUser.email, "pro_yearly", { trialDays: 14 });
  await billing.goto();
  await billing.expectPlan("Pro", /^Trial ends [A-Z][a-z]+ \d{1,2}, \d{4}$/);
  await expect(page.getByText("Trial", { exact: true })).toBeVisible();

  await advanceClock(clock.id, Math.floor(Date.now() / 1000) + 15 * DAY);
  await billing.goto();
  await billing.expectPlan("Pro", /^Renews on /);
  await expect(page.getByText("Active", { exact: true })).toBeVisible();
});
