// The billing emails as a user gets them: in the offline inbox, from a renewal that fails on
// a test clock, with a link that opens the portal's card update after sign-in.
import { formatDay } from "@saas/mail";
import { BillingPage } from "../support/billing-page.ts";
import { expect, test } from "../support/fixtures.ts";
import { withAppDb } from "../support/app-db.ts";
import { emailTo, inboxOf, InboxPage } from "../support/inbox.ts";
import { logOut } from "../support/pages.ts";
import { CARDS, HostedPortal } from "../support/stripe-pages.ts";
import { advanceClock, DAY, redeliver, stripe } from "../support/stripe.ts";
import { makeChargesFail, subscribeOnClock } from "../support/subscriber.ts";

test("a failed renewal emails once, its link opens the card update after sign-in, and paying emails again", async ({
  page,
  signedUpUser,
  loginPage,
}) => {
  const { email, password } = signedUpUser;
  const { clock, customer, periodEnd } = await subscribeOnClock(email, "pro_monthly");
  await makeChargesFail(customer.id);
  await advanceClock(clock.id, periodEnd + 3_600);
  const [invoice] = (await stripe.invoices.list({ customer: customer.id, status: "open" })).data;
  expect(invoice?.next_payment_attempt).toBeTruthy();

  // Stripe delivers the failure again, and once more under another event id: still one email.
  const [failure] = (await stripe.events.list({ type: "invoice.payment_failed", limit: 100 })).data.filter(
    (event) => (event.data.object as { id?: string }).id === invoice?.id,
  );
  if (!failure) throw new Error("no invoice.payment_failed event for the renewal");
  expect(await redeliver(failure)).toEqual({ status: 200, outcome: "duplicate" });
  expect(await redeliver({ ...failure, id: `${failure.id}x` })).toEqual({ status: 200, outcome: "queued" });

  const inbox = new InboxPage(page);
  await inbox.open(email, /^Your payment of \$29\.00 failed$/);
  await expect(inbox.text()).toContainText("We couldn't charge $29.00 for your Pro subscription.");
  await expect(inbox.text()).toContainText(`We'll try again on ${formatDay(invoice?.next_payment_attempt ?? 0)}.`);
  const link = inbox.link("Update payment method").getByRole("link");
  await expect(link).toHaveAttribute("href", /\/settings\/billing\?action=update-payment-method$/);
  const href = (await link.getAttribute("href")) ?? "";

  // Followed signed out (as from a mail client): log in first, then straight into the portal's card update.
  await page.goto("/settings/account");
  await logOut(page);
  await page.goto(href);
  await expect(page).toHaveURL(/\/login\?redirectTo=/);
  await loginPage.logIn(email, password);
  const portal = new HostedPortal(page);
  await portal.expectOpen();
  await expect(page).toHaveURL(/\/payment-methods\/new$/);
  await portal.addCard(CARDS.visa);
  await expect(page).toHaveURL(/\/settings\/billing/);
  await new BillingPage(page).manageButton().click();
  await portal.payNow();
  await portal.returnToApp();

  const recovered = await emailTo(email, /^Payment received: \$29\.00$/);
  expect(recovered.text).toContain("your subscription is active again");
  expect(inboxOf(email).map((m) => m.subject)).toEqual(["Your payment of $29.00 failed", "Payment received: $29.00"]);
});

/** The emails queued about a subscription, with their outcome. */
const emailStatuses = (subscriptionId: string) =>
  withAppDb(async (db) => {
    const { rows } = await db.query<{ kind: string; status: string }>(
      "SELECT kind, status FROM email_log WHERE key LIKE '%:' || $1 || '%' ORDER BY created_at",
      [subscriptionId],
    );
    return rows.map((row) => [row.kind, row.status]);
  });

test("email preferences: a user who turns off cancellation notices gets none; payment emails stay on", async ({
  page,
  signedUpUser,
}) => {
  const { email } = signedUpUser;
  await page.goto("/settings/account");
  const notices = page.getByLabel("Cancellation notices");
  await expect(notices).toBeChecked();
  await notices.uncheck();
  await page.getByRole("button", { name: "Save email preferences" }).click();
  await expect(page.getByRole("status")).toHaveText("Email preferences saved.");
  await page.reload();
  await expect(page.getByLabel("Cancellation notices")).not.toBeChecked();
  await expect(page.getByLabel("Trial ending reminders")).toBeChecked();

  const { subscription } = await subscribeOnClock(email, "starter_monthly");
  await stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
  const billing = new BillingPage(page);
  await expect(async () => {
    await billing.goto();
    await expect(billing.nextStep()).toHaveText(/^Cancels on /, { timeout: 500 });
  }).toPass({ timeout: 15_000 });

  // The notice was skipped (and is never sent late, even once turned on again).
  await expect
    .poll(() => emailStatuses(subscription.id), { timeout: 15_000 })
    .toEqual([["subscription_cancel_scheduled", "skipped"]]);

  // Turned on again, the notice comes with the date the plan ends.
  await page.goto("/settings/account");
  await page.getByLabel("Cancellation notices").check();
  await page.getByRole("button", { name: "Save email preferences" }).click();
  await expect(page.getByRole("status")).toHaveText("Email preferences saved.");
  // Its end moved two days earlier: a new notice, with the new date.
  const endsAt = (subscription.items.data[0]?.current_period_end ?? 0) - 2 * DAY;
  await stripe.subscriptions.update(subscription.id, { cancel_at: endsAt });
  const notice = await emailTo(email, /^Your Starter subscription ends on /);
  expect(notice.subject).toBe(`Your Starter subscription ends on ${formatDay(endsAt)}`);
  expect(inboxOf(email).map((m) => m.subject)).toEqual([notice.subject]);
  await expect
    .poll(() => emailStatuses(subscription.id))
    .toEqual([
      ["subscription_cancel_scheduled", "skipped"],
      ["subscription_cancel_scheduled", "sent"],
    ]);
});

test("the inbox page is there for development and shows every template's preview", async ({ page }) => {
  await page.goto("/dev/inbox");
  await expect(page.getByRole("heading", { name: "Inbox", exact: true })).toBeVisible();
  const preview = page.getByRole("link", { name: "payment failed" });
  await preview.click();
  await expect(page.getByRole("link", { name: "Update payment method" })).toHaveAttribute(
    "href",
    /\/settings\/billing\?action=update-payment-method$/,
  );
  expect((await page.goto("/dev/inbox/nothing-here"))?.status()).toBe(404);
});
