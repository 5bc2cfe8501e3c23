import type { Page } from "@playwright/test";
import { BillingPage } from "./support/billing-page.ts";
import { expect, test } from "./support/fixtures.ts";
import { CARDS, HostedCheckout, HostedPortal } from "./support/stripe-pages.ts";
import { emulator, NEEDS_EMULATOR, onEmulator, settleWebhooks, stripe } from "./support/stripe.ts";

const customerOf = (session: { customer: string | { id: string } | null }) =>
  typeof session.customer === "string" ? session.customer : (session.customer?.id ?? "");

/** Subscribed to Starter through a Checkout the emulator completes, back on Settings → Billing. */
async function subscribeToStarter(page: Page) {
  const billing = new BillingPage(page);
  await billing.subscribe("Starter");
  const { redirect_url, session } = await emulator.completeCheckout(await billing.checkoutSessionId(), {});
  const returnUrl = redirect_url ?? "";
  await page.goto(returnUrl);
  await expect(billing.manageButton()).toBeEnabled();
  return { billing, customer: customerOf(session), returnUrl };
}

test("a new user sees the plans, monthly and yearly", async ({ page, signedUpUser }) => {
  void signedUpUser;
  const billing = new BillingPage(page);
  await expect(billing.planCard("Pro")).toContainText("$29 / month");
  await page.getByRole("link", { name: "Yearly" }).click();
  await expect(billing.planCard("Pro")).toContainText("$290 / year");
  await expect(billing.planCard("Pro")).toContainText("14-day free trial");
});

test("a free trial is once per organization: canceled and back, the plan card says there is none", async ({
  page,
  signedUpUser,
}) => {
  void signedUpUser;
  const billing = new BillingPage(page);
  await billing.goto("?interval=year");
  await expect(billing.planCard("Pro")).toContainText("14-day free trial");
  await billing.subscribe("Pro");
  const sessionId = await billing.checkoutSessionId();
  await new HostedCheckout(page).pay(CARDS.visa);
  await billing.expectPlan("Pro", /^Trial ends /);
  const session = await stripe.checkout.sessions.retrieve(sessionId);
  const [trial] = (await stripe.subscriptions.list({ customer: customerOf(session) })).data;
  await stripe.subscriptions.cancel(trial?.id ?? "");
  await settleWebhooks();

  await billing.goto("?interval=year");
  await expect(billing.planCard("Pro")).toContainText("No free trial: this organization has had one.");
  await expect(billing.planCard("Pro")).not.toContainText("14-day free trial");
  await billing.subscribe("Pro");
  await billing.checkoutSessionId();
  await new HostedCheckout(page).pay(CARDS.visa);
  await billing.expectPlan("Pro", /^Renews on /);
});

test("subscribe through Checkout, then manage the subscription in the portal", async ({ page, signedUpUser }) => {
  void signedUpUser;
  const billing = new BillingPage(page);
  await billing.subscribe("Pro");
  await billing.checkoutSessionId();
  await new HostedCheckout(page).pay(CARDS.visa);

  await expect(page.getByRole("status")).toHaveText("You're subscribed to Pro. Thank you!");
  await billing.expectPlan("Pro", /^Renews on [A-Z][a-z]+ \d{1,2}, \d{4}$/);
  await expect(page.getByRole("button", { name: /Subscribe to/ })).toHaveCount(0);

  // The first invoice, paid at Checkout, with Stripe's hosted page and PDF; the next one a month on.
  const invoices = page.getByRole("region", { name: "Invoices" });
  await expect(invoices.getByTestId("upcoming-invoice")).toHaveText(
    /^Next invoice: \$29 on [A-Z][a-z]+ \d{1,2}, \d{4}$/,
  );
  await expect(invoices.getByTestId("invoice-row")).toHaveCount(1);
  await expect(invoices.getByTestId("invoice-row")).toContainText("$29");
  await expect(invoices.getByTestId("invoice-row")).toContainText("Paid");
  await expect(invoices.getByRole("link", { name: /^PDF of invoice / })).toHaveAttribute("href", /\/pdf$/);
  const hosted = await invoices.getByRole("link", { name: /^View invoice / }).getAttribute("href");
  expect((await page.request.get(hosted ?? "")).status()).toBe(200);

  await billing.manageButton().click();
  await new HostedPortal(page).expectOpen();
});

test("the invoice history says so when Stripe is down, and shows the invoices once it is back", async ({
  page,
  signedUpUser,
}) => {
  test.skip(!onEmulator, NEEDS_EMULATOR);
  void signedUpUser;
  const { customer } = await subscribeToStarter(page);
  await settleWebhooks();
  // This page's own read of the invoices is done (after hydration), so the fault meets only the next page's.
  await expect(page.getByTestId("invoice-row")).toHaveCount(1);
  await emulator.addFault({ path: "/v1/invoices", method: "GET", count: 2, mode: "error", match: customer });
  await page.goto("/settings/billing");
  const invoices = page.getByRole("region", { name: "Invoices" });
  await expect(invoices.getByRole("alert")).toContainText(
    "Invoices are unavailable right now: Billing service unavailable",
  );
  await invoices.getByRole("button", { name: "Try again" }).click();
  await expect(invoices.getByTestId("invoice-row")).toHaveCount(1);
});

test("Stripe down: Manage subscription says so and can be tried again", async ({ page, signedUpUser }) => {
  test.skip(!onEmulator, NEEDS_EMULATOR);
  void signedUpUser;
  const { billing, customer } = await subscribeToStarter(page);

  // Only this customer's portal calls fail: other tests share the emulator.
  await emulator.addFault({
    path: "/v1/billing_portal/sessions",
    method: "POST",
    count: 3,
    mode: "error",
    match: customer,
  });
  await billing.manageButton().click();
  await expect(page.getByRole("alert")).toHaveText("Billing service unavailable");
  await expect(billing.manageButton()).toBeEnabled();
  await expect(page).toHaveURL(/\/settings\/billing/);
});

test("Stripe's rate limit: one 429 on Manage subscription goes unnoticed, a lasting one is told", async ({
  page,
  signedUpUser,
}) => {
  test.skip(!onEmulator, NEEDS_EMULATOR);
  void signedUpUser;
  const { billing, customer, returnUrl } = await subscribeToStarter(page);
  const rateLimitPortal = (count: number) =>
    emulator.addFault({
      path: "/v1/billing_portal/sessions",
      method: "POST",
      count,
      mode: "rate_limit",
      match: customer,
    });

  // The Stripe client re-sends a 429 by itself.
  await rateLimitPortal(1);
  await billing.manageButton().click();
  await new HostedPortal(page).expectOpen();

  // More 429s than the client re-sends: the user is told, and can try again.
  await page.goto(returnUrl);
  await rateLimitPortal(4);
  await billing.manageButton().click();
  await expect(page.getByRole("alert")).toHaveText("Billing service unavailable");
  await expect(billing.manageButton()).toBeEnabled();
});

test("the paid-only page refuses access without a subscription", async ({ page, signedUpUser }) => {
  void signedUpUser;
  const response = await page.goto("/app/reports");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("alert")).toContainText("Reports are part of the paid plans");
});
