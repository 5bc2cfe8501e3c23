// Email for development: with no SMTP_URL, an embedded SMTP server is started here and the
// app sends to it over real SMTP; what it receives is kept under MAIL_INBOX_DIR and shown at
// /dev/inbox. With SMTP_URL (always in production, see env.ts) nothing starts.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "@saas/db/dev-database";
import type { MailEnv } from "@saas/mail";
import { folderInbox, startSmtpInbox } from "@saas/mail/inbox";

export type LocalMail = {
  smtpUrl: string;
  /** The embedded inbox's folder, null when mail goes to SMTP_URL. */
  inboxDir: string | null;
  describe: string;
  stop(): Promise<void>;
};

/** Where a running `pnpm dev` says its embedded SMTP server listens, for `pnpm worker`. */
const urlFile = (inboxDir: string) => path.join(inboxDir, "smtp.url");

export async function prepareMail(env: MailEnv, options: { appBaseUrl: string }): Promise<LocalMail> {
  if (env.smtpUrl) {
    const host = new URL(env.smtpUrl).host;
    return { smtpUrl: env.smtpUrl, inboxDir: null, describe: `SMTP_URL (${host})`, stop: async () => {} };
  }
  const inboxDir = path.resolve(repoRoot, env.inboxDir);
  mkdirSync(inboxDir, { recursive: true });
  const inbox = await startSmtpInbox({ store: folderInbox(inboxDir) });
  writeFileSync(urlFile(inboxDir), inbox.url);
  return {
    smtpUrl: inbox.url,
    inboxDir,
    describe: `inbox at ${options.appBaseUrl}/dev/inbox (embedded SMTP server ${inbox.url}; messages in ${
      path.relative(repoRoot, inboxDir) || inboxDir
    })`,
    async stop() {
      rmSync(urlFile(inboxDir), { force: true });
      await inbox.stop();
    },
  };
}

/** The SMTP server of a running `pnpm dev`, or null. */
export function runningDevSmtp(env: MailEnv): string | null {
  try {
    return readFileSync(urlFile(path.resolve(repoRoot, env.inboxDir)), "utf8").trim() || null;
  } catch {
    return null;
  }
}
