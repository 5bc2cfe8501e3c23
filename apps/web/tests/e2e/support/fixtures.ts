// Test fixtures: a fresh email per test and a signed-up (and signed-in) user.
import { randomBytes } from "node:crypto";
import { test as base, expect } from "@playwright/test";
import { LoginPage, SignupPage } from "./pages.ts";

export type TestUser = { email: string; password: string };

/**
 * Each test is a client of its own, as on a real deployment behind a proxy: the app counts
 * failed log-ins per address (20 per 15 minutes), and a whole suite from one address would
 * reach that limit in an order-dependent way. The server trusts the header from loopback
 * only (TRUST_PROXY=loopback in playwright.config.ts).
 */
function clientAddress(): string {
  const [a, b, c] = randomBytes(3);
  return `10.${a}.${b}.${((c ?? 0) % 254) + 1}`;
}

export const test = base.extend<{
  newUser: TestUser;
  signedUpUser: TestUser;
  signupPage: SignupPage;
  loginPage: LoginPage;
}>({
  context: async ({ context }, use) => {
    await context.setExtraHTTPHeaders({ "X-Forwarded-For": clientAddress() });
    await use(context);
  },
  newUser: async ({}, use) => {
    await use({ email: `qa-${randomBytes(6).toString("hex")}@example.com`, password: "correct horse battery" });
  },
  signupPage: async ({ page }, use) => use(new SignupPage(page)),
  loginPage: async ({ page }, use) => use(new LoginPage(page)),
  signedUpUser: async ({ page, newUser, signupPage }, use) => {
    await signupPage.goto();
    await signupPage.signUp(newUser.email, newUser.password);
    await expect(page).toHaveURL(/\/settings\/billing$/);
    await use(newUser);
  },
});

export { expect };
