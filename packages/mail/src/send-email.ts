// The one entry that sends an email: render the template, send it over SMTP.
import { renderEmail } from "./render-email.ts";
import type { EmailContext } from "./templates/context.ts";
import type { EmailKind } from "./templates/index.tsx";
import type { MailTransport } from "./transport.ts";

export type MailConfig = EmailContext & {
  /** MAIL_FROM, e.g. "Acme SaaS <billing@example.com>". */
  from: string;
};

export type MailDeps = { transport: MailTransport; config: MailConfig };

export async function sendEmail(
  deps: MailDeps,
  email: { kind: EmailKind; to: string; data: unknown; secret?: unknown; messageId: string },
): Promise<{ messageId: string; subject: string }> {
  const rendered = await renderEmail(email.kind, email.data, deps.config, email.secret);
  const sent = await deps.transport.send({
    from: deps.config.from,
    to: email.to,
    subject: rendered.subject,
    html: rendered.html,
    text: rendered.text,
    messageId: email.messageId,
  });
  return { messageId: sent.messageId, subject: rendered.subject };
}
