// Renders one email to what SMTP carries: a subject, HTML, and the plain-text part.
import { render } from "@react-email/render";
import type { EmailContext } from "./templates/context.ts";
import { TEMPLATES, type EmailKind } from "./templates/index.tsx";

export type RenderedEmail = { subject: string; html: string; text: string };

/**
 * `data` (and `secret`, for the kinds that have one) is checked against the kind's schema:
 * it may have waited on the queue as JSON.
 */
export async function renderEmail(
  kind: EmailKind,
  data: unknown,
  context: EmailContext,
  secret?: unknown,
): Promise<RenderedEmail> {
  const template = TEMPLATES[kind] as {
    data: { parse(value: unknown): unknown };
    secret?: { parse(value: unknown): unknown };
    subject(data: unknown): string;
    render(data: unknown, context: EmailContext, secret: unknown): Parameters<typeof render>[0];
  };
  const parsed = template.data.parse(data);
  const element = template.render(parsed, context, template.secret?.parse(secret));
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
  return { subject: template.subject(parsed), html, text };
}
