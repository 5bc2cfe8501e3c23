// Organizations: creating and switching, what a member sees and may do, and what a member
// of one organization reaches of another (nothing), through the pages and over the wire.
import type Stripe from "stripe";
import { addMembership, organizationIdOf, personalOrganizationIdOf, removeMembership } from "./support/app-db.ts";
import { BillingPage } from "./support/billing-page.ts";
import { expect, test } from "./support/fixtures.ts";
import { createOrganization, secondUser, subscribeOrganization, switchTo } from "./support/organizations.ts";
import { emulator, onEmulator, stripe } from "./support/stripe.ts";

const trpcPost = (path: string, input: unknown) => ({
  url: `/api/trpc/${path}`,
  data: JSON.stringify(input),
  headers: { "Content-Type": "application/json" },
});

test("a single-organization user sees no switcher; creating an organization adds it and switches to it", async ({
  page,
  signedUpUser,
}) => {
  await expect(page.getByLabel("Organization")).toHaveCount(0);
  await createOrganization(page, "Acme Robotics");
  // A new organization has no plan of its own: the plans are offered again.
  await expect(page.getByRole("button", { name: "Subscribe to Pro" })).toBeVisible();
  const personal = signedUpUser.email.split("@")[0] ?? "";
  await switchTo(page, personal);
  await switchTo(page, "Acme Robotics");
  await page.goto("/settings/account");
  await expect(page.getByTestId("current-organization")).toHaveText("Acme Robotics");
});

test("a member sees the plan read-only, may not open the portal or check out, and loses access when removed", async ({
  page,
  browser,
  baseURL,
  signedUpUser,
}) => {
  await createOrganization(page, "Paid Team");
  const teamId = await organizationIdOf(signedUpUser.email, "Paid Team");
  await subscribeOrganization(teamId, signedUpUser.email);
  const billing = new BillingPage(page);
  await billing.goto();
  await expect(billing.manageButton()).toBeVisible();

  const member = await secondUser(browser, baseURL);
  await addMembership(member.email, teamId, "member");
  await member.page.reload();
  await switchTo(member.page, "Paid Team");
  const memberBilling = new BillingPage(member.page);
  await memberBilling.expectPlan("Team", /^Renews on /);
  await expect(member.page.getByTestId("read-only-billing")).toBeVisible();
  await expect(memberBilling.manageButton()).toHaveCount(0);
  // Paid features are the organization's: its members get them.
  const reports = await member.page.goto("/app/reports");
  expect(reports?.status()).toBe(200);
  await expect(member.page.getByText("Monthly summary")).toBeVisible();

  // Over the wire, the procedures and the form action refuse the member.
  const origin = { Origin: baseURL ?? "" };
  for (const [path, input] of [
    ["billing.createPortalSession", { flow: "payment_method_update" }],
    ["billing.createCheckoutSession", { lookupKey: "pro_monthly" }],
  ] as const) {
    const call = trpcPost(path, input);
    const response = await member.page.request.post(call.url, {
      data: call.data,
      headers: { ...call.headers, ...origin },
    });
    expect(response.status()).toBe(403);
    expect(JSON.stringify(await response.json())).toContain("FORBIDDEN");
  }
  const forms: Array<Record<string, string>> = [
    { intent: "portal" },
    { intent: "checkout", lookupKey: "pro_monthly" },
    { intent: "billing-email", billingEmail: "member@example.net" },
  ];
  for (const form of forms) {
    const response = await member.page.request.post("/settings/billing", { form, headers: origin, maxRedirects: 0 });
    expect(response.status()).toBe(403);
  }

  // Removed: the next request is in their personal organization, without the team's plan.
  await removeMembership(member.email, teamId);
  const after = await member.page.goto("/app/reports");
  expect(after?.status()).toBe(403);
  await member.page.goto("/settings/billing");
  await expect(member.page.getByTestId("current-organization")).not.toHaveText("Paid Team");
  await expect(member.page.getByLabel("Organization")).toHaveCount(0);
  await member.context.close();
});

test("a member of one organization reaches nothing of another, whatever ids are sent", async ({
  page,
  browser,
  baseURL,
  signedUpUser,
}) => {
  const victimOrg = await personalOrganizationIdOf(signedUpUser.email);
  await subscribeOrganization(victimOrg, signedUpUser.email);
  await page.reload();
  await expect(new BillingPage(page).manageButton()).toBeVisible();

  const attacker = await secondUser(browser, baseURL);
  const origin = { Origin: baseURL ?? "" };
  // Switching to someone else's organization: not found, and the session stays where it was.
  const switched = await attacker.page.request.post("/organizations/switch", {
    form: { organizationId: victimOrg, redirectTo: "/app/reports" },
    headers: origin,
    maxRedirects: 0,
  });
  expect(switched.status()).toBe(404);
  const reports = await attacker.page.goto("/app/reports");
  expect(reports?.status()).toBe(403);

  // Ids slipped into procedure inputs and forms are ignored: everything is the caller's own.
  const status = await attacker.page.request.get(
    `/api/trpc/billing.status?input=${encodeURIComponent(JSON.stringify({ organizationId: victimOrg }))}`,
  );
  expect(await status.json()).toMatchObject({ result: { data: { hasBillingProfile: false, subscription: null } } });
  const portal = trpcPost("billing.createPortalSession", { organizationId: victimOrg });
  const opened = await attacker.page.request.post(portal.url, {
    data: portal.data,
    headers: { ...portal.headers, ...origin },
  });
  expect(opened.status()).toBe(412);
  const form = await attacker.page.request.post("/settings/billing", {
    form: { intent: "portal", organizationId: victimOrg },
    headers: origin,
    maxRedirects: 0,
  });
  expect(form.status()).toBe(200);
  expect(await form.text()).not.toContain("/p/session/");
  await attacker.context.close();
});

test("Settings -> Members: roles are changed and members removed by owners; the last owner cannot leave", async ({
  page,
  browser,
  baseURL,
  signedUpUser,
}) => {
  await createOrganization(page, "Crew");
  const crewId = await organizationIdOf(signedUpUser.email, "Crew");
  const member = await secondUser(browser, baseURL);
  await addMembership(member.email, crewId, "member");

  await page.getByRole("link", { name: "Members" }).click();
  const rows = page.getByTestId("member-row");
  await expect(rows).toHaveCount(2);
  await page.getByLabel(`Role of ${member.email}`).selectOption("admin");
  await rows.filter({ hasText: member.email }).getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status")).toHaveText("Role changed.");
  await expect(page.getByLabel(`Role of ${member.email}`)).toHaveValue("admin");

  // The only owner cannot leave.
  await rows.filter({ hasText: "(you)" }).getByRole("button", { name: "Leave" }).click();
  await expect(page.getByRole("alert")).toContainText("An organization needs an owner");

  // The member sees the list without controls over the owner, and loses it all once removed.
  await member.page.reload();
  await switchTo(member.page, "Crew");
  await member.page.goto("/settings/members");
  await expect(member.page.getByLabel(`Role of ${signedUpUser.email}`)).toHaveCount(0);
  await page.getByRole("button", { name: `Remove ${member.email}` }).click();
  await expect(page.getByRole("status")).toHaveText("Member removed.");
  await expect(rows).toHaveCount(1);
  await member.page.goto("/settings/members");
  await expect(member.page.getByTestId("current-organization")).not.toHaveText("Crew");
  await member.context.close();
});

test("an owner chooses where invoices go: Stripe follows, an admin only reads it, Stripe down changes nothing", async ({
  page,
  browser,
  baseURL,
  signedUpUser,
}) => {
  const organizationId = await personalOrganizationIdOf(signedUpUser.email);
  const customer = await subscribeOrganization(organizationId, signedUpUser.email);
  const stripeEmail = async () => ((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).email;
  await page.reload();
  const card = page.getByRole("region", { name: "Billing email" });
  const field = card.getByLabel("Send them to");
  const save = card.getByRole("button", { name: "Save billing email" });
  await expect(card.getByTestId("billing-email")).toHaveText(
    `Invoices and receipts go to ${signedUpUser.email}, the owner's email.`,
  );

  await field.fill("not an address");
  await save.click();
  await expect(card.getByText("Enter a valid email address")).toBeVisible();
  expect(await stripeEmail()).toBe(signedUpUser.email);

  await field.fill("Finance@Example.net");
  await save.click();
  await expect(card.getByRole("status")).toHaveText("Invoices now go to finance@example.net.");
  await expect(card.getByTestId("billing-email")).toHaveText("Invoices and receipts go to finance@example.net.");
  expect(await stripeEmail()).toBe("finance@example.net");

  if (onEmulator) {
    // Only this customer's updates fail: the change and its retry.
    await emulator.addFault({ path: `/v1/customers/${customer.id}`, method: "POST", count: 2, mode: "error" });
    await field.fill("ap@example.net");
    await save.click();
    await expect(card.getByRole("alert")).toHaveText(
      "The billing email was not changed: Billing service unavailable. Please try again.",
    );
    await page.reload();
    await expect(card.getByTestId("billing-email")).toHaveText("Invoices and receipts go to finance@example.net.");
    expect(await stripeEmail()).toBe("finance@example.net");
  }

  const admin = await secondUser(browser, baseURL);
  await addMembership(admin.email, organizationId, "admin");
  await admin.page.reload();
  await switchTo(admin.page, signedUpUser.email.split("@")[0] ?? "");
  const adminCard = admin.page.getByRole("region", { name: "Billing email" });
  await expect(adminCard.getByTestId("billing-email")).toHaveText("Invoices and receipts go to finance@example.net.");
  await expect(adminCard.getByText("Only the organization's owners can change it.")).toBeVisible();
  await expect(adminCard.getByRole("button", { name: "Save billing email" })).toHaveCount(0);
  await admin.context.close();

  await field.fill("");
  await save.click();
  await expect(card.getByRole("status")).toHaveText("Invoices now go to the owner's email.");
  expect(await stripeEmail()).toBe(signedUpUser.email);
});
