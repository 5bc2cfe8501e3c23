// Page objects for Stripe's hosted pages. Checkout is located by the field ids Stripe's
// own hosted Checkout uses, so the same object drives the emulator and test mode.
import { expect, type Page } from "@playwright/test";

export const CARDS = {
  visa: "4242424242424242",
  declined: "4000000000000002",
  insufficientFunds: "4000000000009995",
  chargeFails: "4000000000000341",
  threeDSecure: "4000002500003155",
} as const;

export type BillingAddress = { country: string; line1: string; city: string; postalCode: string };

const US_ADDRESS: BillingAddress = { country: "US", line1: "1 Test Street", city: "Springfield", postalCode: "12345" };

export class HostedCheckout {
  constructor(private readonly page: Page) {}

  /**
   * Fills the card form and subscribes. Checkout asks for the billing address (country first, as
   * Stripe's does); `business` ticks "I'm purchasing as a business" and gives its tax ID.
   */
  async pay(card: string, options: { address?: BillingAddress; business?: { name: string; taxId: string } } = {}) {
    const country = this.page.getByLabel("Country or region");
    if (await country.isVisible()) {
      const address = options.address ?? US_ADDRESS;
      await country.selectOption(address.country);
      for (const [label, value] of [
        ["Address", address.line1],
        ["City", address.city],
        ["Postal code", address.postalCode],
      ] as const) {
        const field = this.page.getByLabel(label, { exact: true });
        if (await field.isVisible()) await field.fill(value);
      }
    }
    if (options.business) {
      await this.page.getByLabel("I'm purchasing as a business").check();
      await this.page.getByLabel("Business name").fill(options.business.name);
      await this.page.getByLabel("Tax ID").fill(options.business.taxId);
    }
    // Link ("Save my information for faster checkout") is left off: it would ask for a phone number.
    const link = this.page.getByLabel("Save my information for faster checkout");
    if ((await link.isVisible()) && (await link.isChecked())) await link.uncheck();
    await this.page.locator("#cardNumber").fill(card);
    await this.page.locator("#cardExpiry").fill("12 / 34");
    await this.page.locator("#cardCvc").fill("123");
    await this.page.locator("#billingName").fill("Quinn Assurance");
    await this.page.getByRole("button", { name: "Subscribe" }).click();
  }

  /** Stripe's page hides the field behind "Add promotion code"; the emulator shows it at once. */
  async applyPromotionCode(code: string) {
    const add = this.page.getByRole("button", { name: "Add promotion code" });
    if (await add.isVisible()) await add.click();
    await this.page.locator("#promotionCode").fill(code);
    await this.page.getByRole("button", { name: "Apply" }).click();
  }

  /** The order summary's discount line, once a code is applied. */
  discountLine() {
    return this.page.getByRole("list", { name: "Order summary" }).getByRole("listitem").filter({ hasText: /−\$/ });
  }

  /** 3-D Secure runs in a frame of Stripe's holding the bank's challenge frame, here as in test mode. */
  async authenticate(outcome: "Complete" | "Fail") {
    const bank = this.page.frameLocator('iframe[name^="__privateStripeFrame"]').frameLocator("#challengeFrame");
    await bank.getByRole("button", { name: new RegExp(`^${outcome}`, "i") }).click();
  }

  error() {
    return this.page.getByRole("alert");
  }
}

export class HostedPortal {
  constructor(private readonly page: Page) {}

  async expectOpen() {
    await expect(this.page).toHaveURL(/\/p\/session\//);
  }

  async returnToApp() {
    await this.page
      .getByRole("link", { name: /^(← )?Return to/ })
      .first()
      .click();
  }

  /** `price` as the portal shows it, e.g. "$29.00 per month". */
  async changePlanTo(planName: string, price: string) {
    await this.page.getByRole("link", { name: "Update plan" }).first().click();
    await this.page.getByRole("link", { name: `Select ${planName} ${price}` }).click();
    await expect(this.page.getByRole("heading", { name: "Confirm your updated plan" })).toBeVisible();
    await this.page.getByRole("button", { name: "Confirm" }).click();
  }

  /** Update information → the billing address (the configuration lets customers edit name and address). */
  async updateAddress(address: { line1: string; city: string; postalCode: string; country: string }) {
    await this.page.getByRole("link", { name: "Update information" }).first().click();
    await this.page.getByLabel("Address line 1").fill(address.line1);
    await this.page.getByLabel("City").fill(address.city);
    await this.page.getByLabel("Postal code").fill(address.postalCode);
    await this.page.getByLabel(/^Country/).fill(address.country);
    await this.page.getByRole("button", { name: "Save" }).click();
  }

  /** Update information → a new tax ID of this type ("EU VAT", "UK VAT", …). */
  async addTaxId(type: string, value: string) {
    await this.page.getByRole("link", { name: "Update information" }).first().click();
    await this.page.getByLabel("Type of a new tax ID").selectOption({ label: type });
    await this.page.getByRole("textbox", { name: /^New tax ID/ }).fill(value);
    await this.page.getByRole("button", { name: "Save" }).click();
  }

  async cancelPlan() {
    await this.page.getByRole("link", { name: "Cancel plan" }).first().click();
    const reason = this.page.getByLabel("It's too expensive");
    if (await reason.isVisible()) {
      await reason.check();
      await this.page.getByRole("button", { name: "Continue" }).click();
    }
    await this.page.getByRole("button", { name: "Cancel plan" }).click();
  }

  async renewPlan() {
    await this.page.getByRole("button", { name: "Renew plan" }).click();
  }

  async addCard(card: string) {
    await this.page.getByLabel("Card number").fill(card);
    await this.page.getByLabel("Expiration").fill("12 / 34");
    await this.page.getByLabel("CVC").fill("123");
    await this.page.getByLabel("Cardholder name").fill("Quinn Assurance");
    await this.page.getByRole("button", { name: "Add card" }).click();
  }

  async payNow() {
    await this.page.getByRole("region", { name: "Payment due" }).getByRole("button", { name: "Pay now" }).click();
  }
}
