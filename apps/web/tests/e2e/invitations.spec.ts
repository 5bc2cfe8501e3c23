// Invitations end to end: the owner invites by email, the invitee signs up from the email's
// link and joins read-only, and is removed; a link used twice, revoked, expired or opened by
// another account is refused with a page that says so.
import { organizationIdOf, withAppDb } from "./support/app-db.ts";
import { BillingPage } from "./support/billing-page.ts";
import { expect, test } from "./support/fixtures.ts";
import { inboxOf } from "./support/inbox.ts";
import {
  address,
  createOrganization,
  invitationLink,
  invite,
  newContext,
  subscribeOrganization,
} from "./support/organizations.ts";
import { SignupPage } from "./support/pages.ts";

test("owner invites B, B signs up from the email link, sees the plan read-only, and loses access when removed", async ({
  page,
  browser,
  baseURL,
  signedUpUser,
}) => {
  await createOrganization(page, "Invite Co");
  const teamId = await organizationIdOf(signedUpUser.email, "Invite Co");
  await subscribeOrganization(teamId, signedUpUser.email);

  const b = address("b");
  await invite(page, b);
  await expect(page.getByTestId("invitation-row")).toContainText(b);

  const invitee = await newContext(browser, baseURL);
  const link = await invitationLink(invitee.page, b, "Invite Co");
  await invitee.page.goto(link);
  await expect(invitee.page.getByRole("heading", { name: "Join Invite Co" })).toBeVisible();
  await invitee.page.getByRole("link", { name: "Create an account" }).click();
  await expect(invitee.page.getByLabel("Email")).toHaveValue(b);
  await new SignupPage(invitee.page).signUp(b, "invitee password here");
  await expect(invitee.page).toHaveURL(link);
  await invitee.page.getByRole("button", { name: "Accept and join Invite Co" }).click();
  await expect(invitee.page).toHaveURL(/\/settings\/billing$/);
  await expect(invitee.page.getByTestId("current-organization")).toHaveText("Invite Co");
  const billing = new BillingPage(invitee.page);
  await billing.expectPlan("Team", /^Renews on /);
  await expect(invitee.page.getByTestId("read-only-billing")).toBeVisible();
  await expect(billing.manageButton()).toHaveCount(0);
  expect((await invitee.page.goto("/app/reports"))?.status()).toBe(200);

  // The link is used up.
  await invitee.page.goto(link);
  await expect(invitee.page.getByTestId("invitation-refused")).toHaveText("This invitation has already been used.");

  // The owner sees B as a member and removes them: B's next request has no access.
  await page.goto("/settings/members");
  await expect(page.getByTestId("invitation-row")).toHaveCount(0);
  await page.getByRole("button", { name: `Remove ${b}` }).click();
  await expect(page.getByText("Member removed.")).toBeVisible();
  expect((await invitee.page.goto("/app/reports"))?.status()).toBe(403);
  await invitee.context.close();
});

test("a link opened by another account, revoked, expired or made up is refused plainly; nobody joins", async ({
  page,
  browser,
  baseURL,
  signedUpUser,
}) => {
  await createOrganization(page, "Careful Co");
  const orgId = await organizationIdOf(signedUpUser.email, "Careful Co");
  const c = address("c");
  await invite(page, c, "Admin");
  const other = await newContext(browser, baseURL);
  const link = await invitationLink(other.page, c, "Careful Co");

  // Someone else, signed in, opens C's link: refused, with the way out.
  const signup = new SignupPage(other.page);
  await signup.goto();
  await signup.signUp(address("someone-else"), "another password here");
  await expect(other.page).toHaveURL(/\/settings\/billing$/);
  await other.page.goto(link);
  await expect(other.page.getByTestId("invitation-refused")).toContainText(
    "This invitation is for another email address",
  );
  await expect(other.page.getByRole("button", { name: /Accept/ })).toHaveCount(0);
  // Posting the accept form anyway changes nothing.
  const forced = await other.page.request.post(link, { form: {}, headers: { Origin: baseURL ?? "" } });
  expect(await forced.text()).toContain("This invitation is for another email address");

  // Expired: the owner's invitation passes its 7 days.
  await withAppDb((db) =>
    db.query("UPDATE invitations SET expires_at = now() - interval '1 second' WHERE organization_id = $1", [orgId]),
  );
  await other.page.goto(link);
  await expect(other.page.getByTestId("invitation-refused")).toHaveText(
    "This invitation has expired. Ask whoever invited you for a new one.",
  );
  await page.goto("/settings/members");
  await expect(page.getByTestId("invitation-row")).toContainText("Expired");

  // Resent: the old link is no longer valid; revoked: the new one says so.
  await page.getByRole("button", { name: `Resend to ${c}` }).click();
  await expect(page.getByText("Invitation sent again.")).toBeVisible();
  const old = await other.page.goto(link);
  expect(old?.status()).toBe(404);
  await expect(other.page.getByText("This invitation link is not valid")).toBeVisible();
  // The second email to C carries the new link.
  await expect.poll(() => inboxOf(c).length, { timeout: 30_000 }).toBe(2);
  const fresh = /\/invitations\/[\w-]+/.exec(inboxOf(c)[1]?.text ?? "")?.[0];
  expect(fresh).not.toBe(link);
  await page.getByRole("button", { name: `Revoke ${c}` }).click();
  await expect(page.getByText("Invitation revoked.")).toBeVisible();
  await other.page.goto(fresh ?? "/invitations/missing");
  await expect(other.page.getByTestId("invitation-refused")).toHaveText("This invitation was withdrawn.");

  expect((await other.page.goto("/invitations/made-up-token"))?.status()).toBe(404);
  const members = await withAppDb((db) =>
    db.query<{ n: number }>("SELECT count(*)::int AS n FROM memberships WHERE organization_id = $1", [orgId]),
  );
  expect(members.rows[0]?.n).toBe(1);
  await other.context.close();
});
