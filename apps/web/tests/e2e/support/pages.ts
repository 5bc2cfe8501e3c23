// Page objects for the app's own pages.
import { expect, type Page } from "@playwright/test";

export class SignupPage {
  constructor(private readonly page: Page) {}

  async goto(query = "") {
    await this.page.goto(`/signup${query}`);
  }

  async signUp(email: string, password: string, name = "") {
    await this.page.getByLabel("Email").fill(email);
    if (name) await this.page.getByLabel("Name (optional)").fill(name);
    await this.page.getByLabel("Password").fill(password);
    await this.page.getByRole("button", { name: "Create account" }).click();
  }
}

export class LoginPage {
  constructor(private readonly page: Page) {}

  async goto(query = "") {
    await this.page.goto(`/login${query}`);
  }

  async logIn(email: string, password: string) {
    await this.page.getByLabel("Email").fill(email);
    await this.page.getByLabel("Password").fill(password);
    await this.page.getByRole("button", { name: "Log in" }).click();
  }

  alert() {
    return this.page.getByRole("alert");
  }
}

export async function logOut(page: Page) {
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page.getByRole("link", { name: "Log in" })).toBeVisible();
}
