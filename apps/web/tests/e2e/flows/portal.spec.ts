// QA flows 4-5: changing and canceling the plan in the hosted Customer Portal.
import type { Page } from "@playwright/test";
import { BillingPage } from "../support/billing-page.ts";
import { expect, test } from "../support/fixtures.ts";
import { CARDS, HostedCheckout, HostedPortal } from "../support/stripe-pages.ts";

async function subscribeWithCheckout(page: Page, plan: string) {
  const billing = new BillingPage(page);
  await billing.subscribe(plan);
  await billing.checkoutSessionId();
  await new HostedCheckout(page).pay(CARDS.visa);
  await billing.expectPlan(plan, /^Renews on /);
  return billing;
}

test("Manage subscription → change to another plan in the portal → back: the new plan shows", async ({
  page,
  signedUpUser,
}) => {
  void signedUpUser;
  const billing = await subscribeWithCheckout(page, "Starter");
  await billing.manageButton().click();
  const portal = new HostedPortal(page);
  await portal.expectOpen();
  await portal.changePlanTo("Pro", "$29.00 per month");
  await portal.returnToApp();
  await expect(page).toHaveURL(/\/settings\/billing/);
  await billing.expectPlan("Pro", /^Renews on /);
});

test("cancel at period end in the portal, then renew", async ({ page, signedUpUser }) => {
  void signedUpUser;
  const billing = await subscribeWithCheckout(page, "Pro");
  await billing.manageButton().click();
  const portal = new HostedPortal(page);
  await portal.cancelPlan();
  await portal.returnToApp();
  await billing.expectPlan("Pro", /^Cancels on /);

  await billing.manageButton().click();
  await portal.renewPlan();
  await portal.returnToApp();
  await billing.expectPlan("Pro", /^Renews on /);
});
