// Test helpers: an embedded SMTP inbox of the test's own, and waiting for what it receives.
import { memoryInbox, type InboxMessage, type InboxStore } from "./inbox/inbox-store.ts";
import { startSmtpInbox, type SmtpInbox } from "./inbox/smtp-inbox.ts";

export async function startTestInbox(store: InboxStore = memoryInbox()): Promise<SmtpInbox> {
  return startSmtpInbox({ store });
}

/** Polls the inbox until a message matches; fails with what did arrive. */
export async function waitForEmail(
  store: InboxStore,
  match: (message: InboxMessage) => boolean,
  timeoutMs = 30_000,
): Promise<InboxMessage> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = store.list().find(match);
    if (found) return found;
    if (Date.now() > deadline) {
      const subjects = store.list().map((m) => `${m.to.join(",")}: ${m.subject}`);
      throw new Error(`no matching email within ${timeoutMs} ms; the inbox has: ${JSON.stringify(subjects)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The messages to one address, oldest first. */
export function emailsTo(store: InboxStore, address: string): InboxMessage[] {
  return store
    .list()
    .filter((m) => m.to.includes(address))
    .reverse();
}
