// QA flows 4-5: changing the plan (its interval in the hosted Customer Portal, another plan in
// the app) and canceling it in the portal.
import type { Page } from "@playwright/test";
import type Stripe from "stripe";
import { personalCustomerOf } from "../support/app-db.ts";
import { BillingPage } from "../support/billing-page.ts";
import { expect, test } from "../support/fixtures.ts";
import { CARDS, HostedCheckout, HostedPortal } from "../support/stripe-pages.ts";
import { onEmulator, stripe } from "../support/stripe.ts";

async function subscribeWithCheckout(page: Page, plan: string) {
  const billing = new BillingPage(page);
  await billing.subscribe(plan);
  await billing.checkoutSessionId();
  await new HostedCheckout(page).pay(CARDS.visa);
  await billing.expectPlan(plan, /^Renews on /);
  return billing;
}

test("Manage subscription → switch to yearly in the portal → back: the yearly plan shows", async ({
  page,
  signedUpUser,
}) => {
  void signedUpUser;
  const billing = await subscribeWithCheckout(page, "Starter");
  await billing.manageButton().click();
  const portal = new HostedPortal(page);
  await portal.expectOpen();
  await portal.changePlanTo("Starter", "$90.00 per year");
  await portal.returnToApp();
  await expect(page).toHaveURL(/\/settings\/billing/);
  await billing.expectPlan("Starter · Yearly", /^Renews on /);
});

test("Change plan in the app: Starter → Pro, priced first, and the new plan shows", async ({ page, signedUpUser }) => {
  void signedUpUser;
  const billing = await subscribeWithCheckout(page, "Starter");
  await page.getByRole("link", { name: "Change plan" }).click();
  await page.getByRole("link", { name: "Switch to Pro monthly" }).click();
  await expect(page.getByTestId("plan-change-price")).toHaveText("$29 / month");
  await page.getByRole("button", { name: "Switch to Pro" }).click();
  await expect(page.getByRole("status").filter({ hasText: "You're now on" })).toHaveText("You're now on Pro.");
  await billing.expectPlan("Pro · Monthly", /^Renews on /);
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

test("the billing address is edited in the portal and kept on Stripe's customer; the email is not offered", async ({
  page,
  signedUpUser,
}) => {
  const billing = await subscribeWithCheckout(page, "Starter");
  await billing.manageButton().click();
  const portal = new HostedPortal(page);
  await portal.expectOpen();
  await portal.updateAddress({ line1: "1 Main St", city: "Springfield", postalCode: "62701", country: "US" });
  await expect(page.getByRole("table", { name: "Billing information" })).toContainText("1 Main St");
  await page.getByRole("link", { name: "Update information" }).first().click();
  // The billing email is the organization's, changed in the app by its owners only.
  await expect(page.getByLabel("Email")).toHaveCount(0);
  const customer = (await personalCustomerOf(signedUpUser.email)) ?? "";
  const stored = (await stripe.customers.retrieve(customer)) as Stripe.Customer;
  expect(stored.address).toMatchObject({
    line1: "1 Main St",
    city: "Springfield",
    postal_code: "62701",
    country: "US",
  });
});

test("a business adds its VAT ID in the portal; Stripe's customer has it, and a malformed one is refused", async ({
  page,
  signedUpUser,
}) => {
  test.skip(!onEmulator, "drives the emulated portal's tax ID form; Stripe's own is worded and laid out otherwise");
  const billing = await subscribeWithCheckout(page, "Starter");
  await billing.manageButton().click();
  const portal = new HostedPortal(page);
  await portal.expectOpen();
  await portal.addTaxId("EU VAT (DE123456789)", "DE12");
  await expect(page.getByText(/Invalid value for eu_vat/)).toBeVisible();
  const customer = (await personalCustomerOf(signedUpUser.email)) ?? "";
  expect((await stripe.customers.listTaxIds(customer)).data).toEqual([]);

  await page.getByRole("textbox", { name: /^New tax ID/ }).fill("DE 123 456 789");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("table", { name: "Billing information" })).toContainText("DE123456789");
  expect((await stripe.customers.listTaxIds(customer)).data).toMatchObject([{ type: "eu_vat", value: "DE123456789" }]);
});
