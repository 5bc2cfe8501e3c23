// Test fixtures: a fresh email per test and a signed-up (and signed-in) user.
import { randomBytes } from "node:crypto";
import { test as base, expect } from "@playwright/test";
import { LoginPage, SignupPage } from "./pages.ts";

export type TestUser = { email: string; password: string };

export const test = base.extend<{
  newUser: TestUser;
  signedUpUser: TestUser;
  signupPage: SignupPage;
  loginPage: LoginPage;
}>({
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
