/** @jsxRuntime automatic @jsxImportSource react */
import { Text } from "@react-email/components";
import { z } from "zod";
import type { EmailContext } from "./context.ts";
import { formatDay } from "./format.ts";
import { EmailLayout, paragraph } from "./layout.tsx";

export const invitationData = z.object({
  organizationName: z.string().min(1),
  /** The inviter's name, else their email. */
  inviterName: z.string().min(1),
  role: z.enum(["owner", "admin", "member"]),
  /** Unix seconds. */
  expiresAt: z.number().int(),
});
type Data = z.infer<typeof invitationData>;

/**
 * The link's token. It is kept only in the queued job (gone once the email is sent) and in
 * the email itself: the invitations table holds its hash, email_log never holds it.
 */
export const invitationSecret = z.object({ token: z.string().min(20).max(200) });
type Secret = z.infer<typeof invitationSecret>;

/** Where an invitation's link points, for a token. */
export const invitationPath = (token: string) => `/invitations/${encodeURIComponent(token)}`;

const FOOTER =
  "You receive this because someone invited this address. If you did not expect it, ignore it: " +
  "nothing happens unless you accept.";

const ROLE_WORDS = { owner: "an owner", admin: "an admin", member: "a member" } as const;

export const invitationSubject = (data: Data) => `${data.inviterName} invited you to join ${data.organizationName}`;

export function InvitationEmail({ data, context, secret }: { data: Data; context: EmailContext; secret: Secret }) {
  return (
    <EmailLayout
      preview={`Join ${data.organizationName} as ${ROLE_WORDS[data.role]}.`}
      heading={`Join ${data.organizationName}`}
      action={{ label: "Accept the invitation", href: `${context.appBaseUrl}${invitationPath(secret.token)}` }}
      footer={FOOTER}
    >
      <Text style={paragraph}>
        {data.inviterName} invited you to join {data.organizationName} as {ROLE_WORDS[data.role]}.
      </Text>
      <Text style={paragraph}>
        The link works once, for an account with this email address, until {formatDay(data.expiresAt)}.
      </Text>
    </EmailLayout>
  );
}
