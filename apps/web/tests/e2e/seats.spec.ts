// Seats: Team is billed per member. Joining adds a seat on Stripe, with a proration for the
// rest of the period, and leaving takes it off; a flat plan at its member limit cannot
// invite, and offers the upgrade.
import { personalCustomerOf, personalOrganizationIdOf, withAppDb } from "./support/app-db.ts";
import { BillingPage } from "./support/billing-page.ts";
import { expect, test } from "./support/fixtures.ts";
import {
  addMembers,
  address,
  invitationLink,
  invite,
  newContext,
  subscribeOrganization,
} from "./support/organizations.ts";
import { SignupPage } from "./support/pages.ts";
import { CARDS, HostedCheckout, HostedPortal } from "./support/stripe-pages.ts";
import { emulator, onEmulator, stripe } from "./support/stripe.ts";

/** The seat job waits a moment for a burst of changes, then the worker picks it up. */
const SEAT_SYNC = { timeout: 20_000 };

test("Team is billed per seat: B joining adds a seat with a proration, B removed takes it off", async ({
  page,
  browser,
  baseURL,
  signedUpUser,
}) => {
  const billing = new BillingPage(page);
  await expect(billing.planCard("Team")).toContainText("$12 / seat / month");
  await expect(page.getByTestId("seats-team")).toHaveText("1 seat × $12 = $12 / month");
  await billing.subscribe("Team");
  await billing.checkoutSessionId();
  await new HostedCheckout(page).pay(CARDS.visa);
  await expect(billing.manageButton()).toBeVisible();
  await expect(page.getByTestId("seats")).toHaveText("1 seat × $12 = $12 / month");
  const customer = (await personalCustomerOf(signedUpUser.email)) ?? "";
  const subscription = async () => (await stripe.subscriptions.list({ customer })).data[0];
  const quantity = async () => (await subscription())?.items.data[0]?.quantity;
  expect(await quantity()).toBe(1);

  const b = address("b");
  await invite(page, b);
  // An invitation is not a seat until it is accepted.
  await expect(page.getByTestId("seat-usage")).toHaveText(
    "1 seat on Team: each member is a seat, and an invitation is billed once it is accepted.",
  );
  const organization = signedUpUser.email.split("@")[0] ?? "";
  const invitee = await newContext(browser, baseURL);
  const link = await invitationLink(invitee.page, b, organization);
  await invitee.page.goto(link);
  await invitee.page.getByRole("link", { name: "Create an account" }).click();
  await new SignupPage(invitee.page).signUp(b, "invitee password here");
  await expect(invitee.page).toHaveURL(link);
  await invitee.page.getByRole("button", { name: `Accept and join ${organization}` }).click();
  await expect(invitee.page).toHaveURL(/\/settings\/billing$/);

  await expect.poll(quantity, SEAT_SYNC).toBe(2);
  if (onEmulator) {
    // The rest of the period for the new seat, on the next invoice.
    const id = (await subscription())?.id;
    const { pending_prorations: pending } = (await emulator.snapshot()) as {
      pending_prorations?: Array<{ subscription: string; lines: Array<{ amount: number }> }>;
    };
    const lines = pending?.find((p) => p.subscription === id)?.lines ?? [];
    expect(lines.reduce((sum, line) => sum + line.amount, 0)).toBeGreaterThan(0);
  }
  await expect(async () => {
    await page.goto("/settings/billing");
    await expect(page.getByTestId("seats")).toHaveText("2 seats × $12 = $24 / month", { timeout: 1_000 });
  }).toPass(SEAT_SYNC);

  await page.goto("/settings/members");
  await page.getByRole("button", { name: `Remove ${b}` }).click();
  await expect(page.getByText("Member removed.")).toBeVisible();
  await expect.poll(quantity, SEAT_SYNC).toBe(1);
  await invitee.context.close();
});

test("a Pro organization at its member limit cannot invite, and is offered the upgrade", async ({
  page,
  browser,
  baseURL,
  signedUpUser,
}) => {
  const organizationId = await personalOrganizationIdOf(signedUpUser.email);
  await subscribeOrganization(organizationId, signedUpUser.email, "pro_monthly");
  await addMembers(browser, baseURL, organizationId, 4);

  await page.goto("/settings/members");
  await expect(page.getByTestId("seat-usage")).toHaveText("5 of 5 places used on Pro (5 members, 0 open invitations).");
  await expect(page.getByTestId("plan-full")).toContainText("Your Pro plan is full");
  await expect(page.getByRole("button", { name: "Send invitation" })).toBeHidden();

  // Posting the form anyway: refused with the way forward, and nothing is stored.
  const refused = await page.request.post("/settings/members", {
    form: { intent: "invite", email: address("sixth"), role: "member" },
    headers: { Origin: baseURL ?? "" },
  });
  expect(await refused.text()).toContain("Upgrade to Team, billed per seat, to invite more.");
  const invitations = await withAppDb(async (db) => {
    const { rows } = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM invitations WHERE organization_id = $1",
      [organizationId],
    );
    return rows[0]?.n;
  });
  expect(invitations).toBe(0);

  // The upgrade is priced first: Team with a seat for each of the 5 members.
  await page.getByRole("link", { name: "Upgrade plan" }).click();
  await expect(page.getByTestId("plan-change-price")).toHaveText("5 seats × $12 = $60 / month");
  await page.getByRole("button", { name: "Switch to Team" }).click();
  await expect(page.getByTestId("seats")).toHaveText("5 seats × $12 = $60 / month");
  await page.goto("/settings/members");
  await expect(page.getByRole("button", { name: "Send invitation" })).toBeVisible();
});

test("a Team organization too large for Pro: no switch to a flat plan; the portal switches Team's interval", async ({
  page,
  browser,
  baseURL,
  signedUpUser,
}) => {
  const organizationId = await personalOrganizationIdOf(signedUpUser.email);
  const customer = await subscribeOrganization(organizationId, signedUpUser.email, "team_monthly");
  const quantity = async () =>
    (await stripe.subscriptions.list({ customer: customer.id })).data[0]?.items.data[0]?.quantity;
  await addMembers(browser, baseURL, organizationId, 5);
  const billing = new BillingPage(page);
  await billing.goto("?plans");
  await expect(billing.planCard("Pro")).toContainText("Your 6 members do not fit");
  await expect(billing.planCard("Starter")).toContainText("Your 6 members do not fit");
  await expect(page.getByRole("link", { name: /^Switch to (Starter|Pro)/ })).toHaveCount(0);
  // Asked for anyway (an old link): refused with what to do, and nothing changes.
  await billing.goto("?change=pro_monthly");
  await expect(page.getByTestId("plan-change-error")).toContainText(
    "The Pro plan is for up to 5 members, and this organization has 6.",
  );
  await expect(page.getByTestId("plan-change")).toHaveCount(0);

  await billing.manageButton().click();
  const portal = new HostedPortal(page);
  await portal.expectOpen();
  await page.getByRole("link", { name: "Update plan" }).first().click();
  await expect(page.getByRole("link", { name: /^Select / })).toHaveCount(1);
  await expect(page.getByRole("link", { name: /^Select Team / })).toHaveCount(1);
  await page.getByRole("link", { name: /^Select Team / }).click();
  await page.getByRole("button", { name: "Confirm" }).click();
  // Yearly now, with the same seats: one per member.
  await expect
    .poll(
      async () => (await stripe.subscriptions.list({ customer: customer.id })).data[0]?.items.data[0]?.price.lookup_key,
      SEAT_SYNC,
    )
    .toBe("team_yearly");
  await expect.poll(quantity, SEAT_SYNC).toBe(6);
});

test("a Pro organization of 3 switches to Team in the app: priced first, then billed for 3 seats at once", async ({
  page,
  browser,
  baseURL,
  signedUpUser,
}) => {
  const organizationId = await personalOrganizationIdOf(signedUpUser.email);
  const customer = await subscribeOrganization(organizationId, signedUpUser.email, "pro_monthly");
  const item = async () => (await stripe.subscriptions.list({ customer: customer.id })).data[0]?.items.data[0];
  await addMembers(browser, baseURL, organizationId, 2);
  const billing = new BillingPage(page);
  await billing.goto();
  // The other plans show once asked for.
  await expect(page.getByRole("link", { name: /^Switch to / })).toHaveCount(0);
  await page.getByRole("link", { name: "Change plan" }).click();
  await expect(billing.planCard("Pro")).toContainText("Current plan");
  await page.getByRole("link", { name: "Switch to Team monthly" }).click();

  const preview = page.getByTestId("plan-change");
  await expect(preview.getByRole("heading")).toHaveText("Switch to Team · Monthly");
  await expect(page.getByTestId("plan-change-price")).toHaveText("3 seats × $12 = $36 / month");
  await expect(page.getByTestId("plan-change-now")).toContainText("is added to your next invoice");
  const next = (await page.getByTestId("plan-change-next").textContent()) ?? "";
  // Nothing changes until the user confirms.
  expect(await item()).toMatchObject({ price: { lookup_key: "pro_monthly" }, quantity: 1 });

  await page.getByRole("button", { name: "Switch to Team" }).click();
  await expect(page.getByRole("status").filter({ hasText: "You're now on Team" })).toHaveText(
    "You're now on Team, with 3 seats.",
  );
  await expect(page.getByTestId("seats")).toHaveText("3 seats × $12 = $36 / month");
  expect(await item()).toMatchObject({ price: { lookup_key: "team_monthly" }, quantity: 3 });
  // The next invoice is what the preview said it would be.
  const subscription = (await stripe.subscriptions.list({ customer: customer.id })).data[0];
  const upcoming = await stripe.invoices.createPreview({ subscription: subscription?.id ?? "" });
  expect(next).toMatch(new RegExp(`: \\$${(upcoming.amount_due / 100).toFixed(2).replace(/\.00$/, "")}$`));
});
