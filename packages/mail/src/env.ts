// The mail settings, validated once: where to send (SMTP_URL) and who it is from (MAIL_FROM).
import { parseEnv, urlSchema, type Environment } from "@saas/env";
import { z } from "zod";

export type MailEnv = {
  /** smtp://user:pass@host:587 or smtps://…; unset in development and tests: the embedded inbox. */
  smtpUrl?: string | undefined;
  from: string;
  /** Where the embedded inbox keeps the messages it receives (development and tests only). */
  inboxDir: string;
};

export const DEFAULT_FROM = "Acme SaaS <billing@acme.localhost>";

export const SMTP_URL_HINT =
  "SMTP_URL=smtp://user:password@smtp.example.com:587 (or smtps://…:465), from your email provider";

export function readMailEnv(source: Environment): MailEnv {
  const env = parseEnv(
    {
      SMTP_URL: urlSchema(["smtp", "smtps"]).optional(),
      MAIL_FROM: z
        .string()
        .regex(/^([^<>]+<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, {
          error: "must be an address, e.g. billing@example.com or Acme <billing@example.com>",
        })
        .default(DEFAULT_FROM),
      MAIL_INBOX_DIR: z.string().min(1).default(".data/mail"),
    },
    {
      SMTP_URL: SMTP_URL_HINT,
      MAIL_FROM: 'MAIL_FROM="Acme SaaS <billing@example.com>"',
      MAIL_INBOX_DIR: "MAIL_INBOX_DIR=.data/mail (the embedded inbox's folder, development only)",
    },
    source,
  );
  return { smtpUrl: env.SMTP_URL, from: env.MAIL_FROM, inboxDir: env.MAIL_INBOX_DIR };
}
