import { BillingPage } from "./support/billing-page.ts";
import { expect, test } from "./support/fixtures.ts";
import { LoginPage } from "./support/pages.ts";
import { recordFailedAttempts } from "./support/app-db.ts";
import { CARDS, HostedCheckout } from "./support/stripe-pages.ts";
import { stripe } from "./support/stripe.ts";

test("changing the email changes the Stripe customer's email too", async ({ page, signedUpUser }) => {
  const billing = new BillingPage(page);
  await billing.subscribe("Starter");
  await billing.checkoutSessionId();
  await new HostedCheckout(page).pay(CARDS.visa);
  await billing.expectPlan("Starter", /^Renews on /);
  const [customer] = (await stripe.customers.list({ email: signedUpUser.email })).data;

  const newEmail = `moved-${Date.now()}@example.com`;
  await page.goto("/settings/account");
  await page.getByLabel("Email").fill(newEmail);
  await page.getByLabel("Your password").fill(signedUpUser.password);
  await page.getByRole("button", { name: "Change email" }).click();
  await expect(page.getByRole("status")).toHaveText("Email updated.");
  await expect(page.getByText(`Signed in as ${newEmail}`)).toBeVisible();

  expect(await stripe.customers.retrieve(customer?.id ?? "")).toMatchObject({ email: newEmail });
  expect(newEmail).not.toBe(signedUpUser.email);
});

test("changing the password signs out other sessions and retires the old password", async ({
  page,
  browser,
  signedUpUser,
}) => {
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await new LoginPage(otherPage).goto();
  await new LoginPage(otherPage).logIn(signedUpUser.email, signedUpUser.password);
  await expect(otherPage).toHaveURL(/\/settings\/billing$/);

  await page.goto("/settings/account");
  await page.getByLabel("Current password").fill("not my password");
  await page.getByLabel("New password").fill("a brand new password");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("That is not your current password")).toBeVisible();

  await page.getByLabel("Current password").fill(signedUpUser.password);
  await page.getByLabel("New password").fill("a brand new password");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("status")).toHaveText(/Password changed/);

  // This session survives; the other one is gone server-side.
  await page.goto("/settings/billing");
  await expect(page).toHaveURL(/\/settings\/billing$/);
  await otherPage.goto("/settings/billing");
  await expect(otherPage).toHaveURL(/\/login/);
  await new LoginPage(otherPage).logIn(signedUpUser.email, signedUpUser.password);
  await expect(new LoginPage(otherPage).alert()).toHaveText("Invalid email or password");
  await other.close();
});

test("changing the email needs the current password, and a taken address gets an answer that names no account", async ({
  page,
  browser,
  signedUpUser,
}) => {
  const other = await browser.newPage();
  const taken = `taken-${Date.now()}@example.com`;
  await other.goto("/signup");
  await other.getByLabel("Email").fill(taken);
  await other.getByLabel("Password").fill(signedUpUser.password);
  await other.getByRole("button", { name: "Create account" }).click();
  await expect(other).toHaveURL(/\/settings\/billing$/);
  await other.close();

  await page.goto("/settings/account");
  await page.getByLabel("Email").fill(`moved-${Date.now()}@example.com`);
  await page.getByLabel("Your password").fill("not my password");
  await page.getByRole("button", { name: "Change email" }).click();
  await expect(page.getByText("That is not your current password")).toBeVisible();

  await page.getByLabel("Email").fill(taken);
  await page.getByLabel("Your password").fill(signedUpUser.password);
  await page.getByRole("button", { name: "Change email" }).click();
  await expect(
    page.getByText("Your email was not changed: that address can't be used. Check it, or choose another."),
  ).toBeVisible();
  await expect(page.getByText(/already exists/)).toHaveCount(0);
  await page.goto("/settings/account");
  await expect(page.getByLabel("Email")).toHaveValue(signedUpUser.email);
});

test("after 5 failed attempts on the user's email, Settings refuses even the right current password", async ({
  page,
  signedUpUser,
}) => {
  await recordFailedAttempts(signedUpUser.email, 5);
  await page.goto("/settings/account");
  await page.getByLabel("Current password").fill(signedUpUser.password);
  await page.getByLabel("New password").fill("a brand new password");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("alert")).toHaveText(/Too many failed attempts\. Try again in 15 minutes\./);
  await page.getByLabel("Email").fill(`moved-${Date.now()}@example.com`);
  await page.getByLabel("Your password").fill(signedUpUser.password);
  await page.getByRole("button", { name: "Change email" }).click();
  await expect(page.getByRole("alert")).toHaveText(/Too many failed attempts\. Try again in 15 minutes\./);
});

test("a new password that is easy to guess is refused, and the old one still works", async ({
  page,
  browser,
  signedUpUser,
}) => {
  await page.goto("/settings/account");
  await page.getByLabel("Current password").fill(signedUpUser.password);
  await page.getByLabel("New password").fill("12345678");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("This is a heavily used password. Add more words that are less common.")).toBeVisible();

  const other = await browser.newPage();
  await new LoginPage(other).goto();
  await new LoginPage(other).logIn(signedUpUser.email, signedUpUser.password);
  await expect(other).toHaveURL(/\/settings\/billing$/);
  await other.close();
});
