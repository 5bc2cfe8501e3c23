// Page object for Settings → Billing.
import { expect, type Page } from "@playwright/test";

export class BillingPage {
  constructor(private readonly page: Page) {}

  async goto(query = "") {
    await this.page.goto(`/settings/billing${query}`);
  }

  planCard(name: string) {
    return this.page.getByRole("listitem").filter({ has: this.page.getByRole("heading", { name, exact: true }) });
  }

  async subscribe(planName: string) {
    await this.page.getByRole("button", { name: `Subscribe to ${planName}` }).click();
  }

  /** Waits for Stripe's hosted Checkout to open and returns its session id. */
  async checkoutSessionId(): Promise<string> {
    await expect(this.page).toHaveURL(/\/pay\/cs_test_\w+/);
    return this.page.url().match(/cs_test_\w+/)?.[0] ?? "";
  }

  manageButton() {
    return this.page.getByRole("button", { name: "Manage subscription" });
  }

  nextStep() {
    return this.page.getByTestId("next-step");
  }

  /** The current plan's heading starts with `name` ("Pro", or "Pro · Yearly"). */
  async expectPlan(name: string, nextStep: RegExp) {
    await expect(this.page.locator("#plan-heading")).toHaveText(new RegExp(`^${name}`));
    await expect(this.nextStep()).toHaveText(nextStep);
  }
}
