// Organizations as a user handles them (create, switch), and the set-up the organization
// suites share: a second person in a browser of their own, and a paid Team organization.
import type { Browser, Page } from "@playwright/test";
import type Stripe from "stripe";
import { addMembership, linkOrganizationCustomer } from "./app-db.ts";
import { expect } from "./fixtures.ts";
import { InboxPage } from "./inbox.ts";
import { SignupPage } from "./pages.ts";
import { priceFor, settleWebhooks, stripe } from "./stripe.ts";

/** A fresh address for a person a test brings in. */
export const address = (who: string) => `${who}-${Date.now()}-${Math.random().toString(16).slice(2, 8)}@example.com`;

/** Creates an organization from the header's link: the user owns it and is switched to it. */
export async function createOrganization(page: Page, name: string) {
  await page.getByRole("link", { name: "New organization" }).click();
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Create organization" }).click();
  await expect(page).toHaveURL(/\/settings\/billing$/);
  await expect(page.getByTestId("current-organization")).toHaveText(name);
}

export async function switchTo(page: Page, name: string) {
  await page.getByLabel("Organization").selectOption({ label: name });
  await page.getByRole("button", { name: "Switch" }).click();
  await expect(page.getByTestId("current-organization")).toHaveText(name);
}

/** Invites `email` with `role` from Settings → Members, as an owner or admin does. */
export async function invite(page: Page, email: string, role = "Member") {
  await page.goto("/settings/members");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Role", { exact: true }).selectOption({ label: role });
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText(`Invitation sent to ${email}.`)).toBeVisible();
}

/** The link of the newest invitation email to `email`, read as the invitee would, from the inbox. */
export async function invitationLink(page: Page, email: string, organization: string): Promise<string> {
  const inbox = new InboxPage(page);
  await inbox.open(email, new RegExp(`invited you to join ${organization}$`));
  const href = await inbox.link("Accept the invitation").getByRole("link").last().getAttribute("href");
  if (!href) throw new Error("the email has no link");
  return new URL(href).pathname;
}

/** A browser context of its own, for a second person. */
export async function newContext(browser: Browser, baseURL: string | undefined) {
  const context = await browser.newContext({ baseURL });
  return { context, page: await context.newPage() };
}

/** A second person, signed up in a browser context of their own. */
export async function secondUser(browser: Browser, baseURL: string | undefined) {
  const { context, page } = await newContext(browser, baseURL);
  const email = address("member");
  const signup = new SignupPage(page);
  await signup.goto();
  await signup.signUp(email, "member password here");
  await expect(page).toHaveURL(/\/settings\/billing$/);
  return { context, page, email };
}

/** `count` people, each signed up in a browser of their own, made members of the organization. */
export async function addMembers(browser: Browser, baseURL: string | undefined, organizationId: string, count: number) {
  for (let i = 0; i < count; i++) {
    const other = await secondUser(browser, baseURL);
    await addMembership(other.email, organizationId, "member");
    await other.context.close();
  }
}

/** The organization subscribed (to Team by default) through the API fast path, its customer named by its metadata. */
export async function subscribeOrganization(
  organizationId: string,
  email: string,
  lookupKey = "team_monthly",
): Promise<Stripe.Customer> {
  const customer = await stripe.customers.create({
    email,
    metadata: { organizationId },
    payment_method: "pm_card_visa",
    invoice_settings: { default_payment_method: "pm_card_visa" },
  });
  await linkOrganizationCustomer(organizationId, customer.id);
  const price = await priceFor(lookupKey);
  await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
  await settleWebhooks();
  return customer;
}
