// Unknown URLs get the app's own 404 page, served under the same Content-Security-Policy
// as every other page: each script carries the response's nonce and nothing is blocked.
import type { Page } from "@playwright/test";
import { expect, test } from "./support/fixtures.ts";

/** Every CSP violation the page reports, from the console and from securitypolicyviolation events. */
function recordViolations(page: Page): string[] {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Refused to|Content Security Policy|securitypolicyviolation/i.test(message.text()))
      violations.push(message.text());
  });
  page.on("pageerror", (error) => violations.push(`page error: ${error.message}`));
  // Injected by the browser driver, so the policy does not apply to this script itself.
  void page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      console.log(`securitypolicyviolation ${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  return violations;
}

test("an unknown URL answers 404 with our page, and every script carries the nonce", async ({ page }) => {
  const violations = recordViolations(page);
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  const nonce = /'nonce-([^']+)'/.exec(response?.headers()["content-security-policy"] ?? "")?.[1];
  expect(nonce).toBeTruthy();
  const scripts = (await response?.text())?.match(/<script\b[^>]*>/g) ?? [];
  expect(scripts.length).toBeGreaterThan(0);
  expect(scripts.filter((tag) => !tag.includes(`nonce="${nonce}"`))).toEqual([]);

  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expect(page).toHaveTitle("Page not found · Acme SaaS");

  // The page hydrated: its link navigates on the client, so this window survives the click.
  await page.evaluate(() => Object.assign(window, { sameDocument: true }));
  await page.getByRole("link", { name: "Go to the home page" }).click();
  await expect(page.getByRole("heading", { name: "Acme SaaS" })).toBeVisible();
  expect(await page.evaluate(() => "sameDocument" in window)).toBe(true);
  expect(violations).toEqual([]);
});

test("a signed-in user keeps the signed-in header on the 404 page", async ({ page, signedUpUser }) => {
  void signedUpUser;
  const violations = recordViolations(page);
  const response = await page.goto("/settings/no-such-tab");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Log out" })).toBeVisible();
  expect(violations).toEqual([]);
});
