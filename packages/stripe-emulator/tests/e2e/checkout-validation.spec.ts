// Card form validation: inline in the browser, and the same messages from the server when
// JavaScript is off (so the server never trusts the browser's checks).
import type { Page } from "@playwright/test";
import { expect, test } from "./support/fixtures.ts";
import { createPlans, subscriptionCheckout } from "./support/billing.ts";

const INVALID = { number: "4242 4242 4242", expiry: "01 / 20", cvc: "1", name: "" };
const MESSAGES = {
  "Card number": "Your card number is incomplete.",
  Expiration: "Your card's expiration year is in the past.",
  CVC: "Your card's security code is incomplete.",
  "Cardholder name": "Required",
  Email: "Your email address is invalid.",
};

async function fillInvalid(page: Page, url: string | null): Promise<void> {
  await page.goto(url ?? "");
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByLabel("Card number").fill(INVALID.number);
  await page.getByLabel("Expiration").fill(INVALID.expiry);
  await page.getByLabel("CVC").fill(INVALID.cvc);
}

async function expectErrors(page: Page): Promise<void> {
  for (const [label, message] of Object.entries(MESSAGES)) {
    const field = page.getByLabel(label, { exact: true });
    await expect(field).toHaveAttribute("aria-invalid", "true");
    await expect(field).toHaveAccessibleDescription(message);
  }
}

test("errors show inline before anything is sent", async ({ page, stripe }) => {
  const { basic } = await createPlans(stripe);
  const session = await subscriptionCheckout(stripe, basic.price);
  const posts: string[] = [];
  page.on("request", (request) => {
    if (request.method() === "POST") posts.push(request.url());
  });
  await fillInvalid(page, session.url);
  await page.getByRole("button", { name: "Subscribe" }).click();
  await expectErrors(page);
  expect(posts).toEqual([]);
  await expect(page.getByLabel("Email")).toBeFocused();
  expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the server answers 400 with the same messages and keeps what was typed", async ({ page, stripe }) => {
    const { basic } = await createPlans(stripe);
    const session = await subscriptionCheckout(stripe, basic.price);
    await fillInvalid(page, session.url);
    const [response] = await Promise.all([
      page.waitForResponse((candidate) => candidate.request().method() === "POST"),
      page.getByRole("button", { name: "Subscribe" }).click(),
    ]);
    expect(response.status()).toBe(400);
    await expectErrors(page);
    await expect(page.getByLabel("Card number")).toHaveValue(INVALID.number);
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");
    expect((await stripe.paymentMethods.list()).data).toHaveLength(0);
  });
});
