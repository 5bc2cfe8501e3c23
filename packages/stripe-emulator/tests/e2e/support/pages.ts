// Page objects for the hosted pages, located the way a user finds things: labels, roles, names.
import type { Locator, Page } from "@playwright/test";

export interface CardEntry {
  number: string;
  expiry?: string;
  cvc?: string;
  name?: string;
}

export const CARDS = {
  success: "4242424242424242",
  mastercard: "5555555555554444",
  declined: "4000000000000002",
  insufficientFunds: "4000000000009995",
  chargeFails: "4000000000000341",
  threeDSecure: "4000002500003155",
} as const;

async function fillCard(page: Page, card: CardEntry): Promise<void> {
  await page.getByLabel("Card number").fill(card.number);
  await page.getByLabel("Expiration").fill(card.expiry ?? "12 / 34");
  await page.getByLabel("CVC").fill(card.cvc ?? "123");
  await page.getByLabel("Cardholder name").fill(card.name ?? "Jenny Rosen");
}

export class CheckoutPage {
  constructor(readonly page: Page) {}

  async open(url: string | null): Promise<void> {
    if (url === null) throw new Error("the session has no hosted url");
    await this.page.goto(url);
  }

  async pay(card: CardEntry, email?: string): Promise<void> {
    if (email !== undefined) await this.page.getByLabel("Email").fill(email);
    await fillCard(this.page, card);
    await this.page.getByRole("button", { name: "Subscribe" }).click();
  }

  error(): Locator {
    return this.page.getByRole("alert");
  }
}

export class PortalPage {
  constructor(readonly page: Page) {}

  async open(url: string): Promise<void> {
    await this.page.goto(url);
  }

  subscription(productName: string): Locator {
    return this.page.getByRole("article", { name: `${productName} subscription` });
  }

  paymentMethod(last4: string): Locator {
    return this.page.getByRole("listitem").filter({ hasText: `•••• ${last4}` });
  }

  notice(): Locator {
    return this.page.getByRole("status");
  }

  async addCard(card: CardEntry): Promise<void> {
    await fillCard(this.page, card);
    await this.page.getByRole("button", { name: "Add card" }).click();
  }

  async authenticate(outcome: "Complete" | "Fail"): Promise<void> {
    await challengeButton(this.page, outcome).click();
  }
}

/** The 3-D Secure challenge's button, inside Stripe's frame inside the bank's, as in test mode. */
export function challengeButton(page: Page, outcome: "Complete" | "Fail"): Locator {
  const bank = page.frameLocator('iframe[name^="__privateStripeFrame"]').frameLocator("#challengeFrame");
  return bank.getByRole("button", { name: outcome });
}
