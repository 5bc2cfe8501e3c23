// The `mail.send` job: sends one email_log row's email, after the transaction that queued it
// has committed, with no transaction open while SMTP answers. A failed send is retried by the
// queue with back-off; a row already sent or skipped is never sent again.
import { createHash } from "node:crypto";
import type { PrismaClient } from "@saas/db";
import { sendEmail, type MailDeps } from "../send-email.ts";
import { isEmailKind, TEMPLATES, type EmailPreference } from "../templates/index.tsx";

export type EmailJobDeps = MailDeps & { db: PrismaClient };

export type EmailJobResult = { key: string; outcome: "sent" | "skipped" | "done-before"; reason?: string };

export async function runEmailJob(
  deps: EmailJobDeps,
  key: string,
  attempt: { attempt: number; maxAttempts: number },
  /** The job's secret for the kinds that have one (see Template.secret). */
  secret?: unknown,
): Promise<EmailJobResult> {
  const { db } = deps;
  const email = await db.emailLog.findUnique({
    where: { key },
    include: { user: { select: { email: true, emailTrialReminders: true, emailCancellationNotices: true } } },
  });
  // Sent or skipped already (a job re-run after its outcome was stored): never twice.
  if (!email || email.status === "sent" || email.status === "skipped") return { key, outcome: "done-before" };
  const skip = async (reason: string): Promise<EmailJobResult> => {
    await db.emailLog.update({ where: { key }, data: { status: "skipped", error: reason } });
    return { key, outcome: "skipped", reason };
  };
  if (!isEmailKind(email.kind)) return skip(`unknown email kind ${email.kind}`);
  const template: { preference?: EmailPreference; secret?: unknown } = TEMPLATES[email.kind];
  // A user's email goes to their address as it is now; an invitee's to the address queued.
  const to = email.user ? email.user.email : email.recipient;
  if (!to) return skip("the user no longer exists");
  const { preference } = template;
  // Checked when sending, not when queued: turning an email off stops those already waiting.
  if (preference && email.user && !email.user[preference]) return skip(`turned off by the user (${preference})`);
  if (template.secret && secret === undefined) return skip("its job no longer carries the link it needs");

  try {
    const sent = await sendEmail(deps, {
      kind: email.kind,
      to,
      data: email.data,
      secret,
      messageId: messageIdFor(key, deps.config.from),
    });
    await db.emailLog.update({
      where: { key },
      data: {
        status: "sent",
        recipient: to,
        subject: sent.subject,
        messageId: sent.messageId,
        attempts: attempt.attempt,
        error: null,
        sentAt: new Date(),
      },
    });
    return { key, outcome: "sent" };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const final = attempt.attempt >= attempt.maxAttempts;
    await db.emailLog
      .update({
        where: { key },
        data: { attempts: attempt.attempt, error: message.slice(0, 1_000), ...(final ? { status: "failed" } : {}) },
      })
      // The database may be what failed: the queue's own record of the attempt still holds.
      .catch(() => undefined);
    throw error;
  }
}

/**
 * One Message-ID per cause. If the process dies after SMTP accepted the email and before
 * its outcome is stored, the retry sends it again with the same id, which mail systems use
 * to drop the copy.
 */
export function messageIdFor(key: string, from: string): string {
  const domain = /@([^>\s]+)>?$/.exec(from)?.[1] ?? "localhost";
  return `<${createHash("sha256").update(key).digest("hex").slice(0, 32)}@${domain}>`;
}
