// The offline inbox of the app under test: the embedded SMTP server's messages, kept in the
// folder playwright.config.ts gives it, and the inbox page that shows them.
import path from "node:path";
import { expect, type Page } from "@playwright/test";
import { folderInbox, type InboxMessage } from "@saas/mail/inbox";
import { emailsTo, waitForEmail } from "@saas/mail/testing";

const store = folderInbox(path.join(path.dirname(process.env.E2E_DATA_DIR ?? ""), "mail"));

/** Waits for the email to `to` whose subject matches. */
export function emailTo(to: string, subject: RegExp): Promise<InboxMessage> {
  return waitForEmail(store, (m) => m.to.includes(to) && subject.test(m.subject), 30_000);
}

/** Every email to `to`, oldest first. */
export const inboxOf = (to: string): InboxMessage[] => emailsTo(store, to);

/** Page object for /dev/inbox and a message's page. */
export class InboxPage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.goto("/dev/inbox");
  }

  /** Opens the message to `to` with this subject, waiting for it to arrive. */
  async open(to: string, subject: RegExp) {
    const row = this.page
      .getByRole("row")
      .filter({ hasText: to })
      .filter({ has: this.page.getByRole("link", { name: subject }) });
    await expect(async () => {
      await this.goto();
      await expect(row).toHaveCount(1, { timeout: 500 });
    }).toPass({ timeout: 30_000 });
    await row.getByRole("link").click();
    await expect(this.page.getByRole("heading", { level: 1 })).toHaveText(subject);
  }

  text() {
    return this.page.getByRole("region", { name: "Plain text" });
  }

  link(text: string) {
    return this.page.getByRole("region", { name: "Links" }).getByRole("listitem").filter({ hasText: text });
  }
}
