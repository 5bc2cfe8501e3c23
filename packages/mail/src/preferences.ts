// Which non-essential emails a user receives (Settings → Account). Payment emails have no
// switch. The send job reads these when it sends, so turning one off stops those waiting too.
import type { PrismaClient } from "@saas/db";
import type { EmailPreference } from "./templates/index.tsx";

export type EmailPreferences = Record<EmailPreference, boolean>;

const SELECT = { emailTrialReminders: true, emailCancellationNotices: true } as const;

export async function readEmailPreferences(db: PrismaClient, userId: string): Promise<EmailPreferences> {
  return db.user.findUniqueOrThrow({ where: { id: userId }, select: SELECT });
}

export async function updateEmailPreferences(
  db: PrismaClient,
  userId: string,
  preferences: EmailPreferences,
): Promise<EmailPreferences> {
  return db.user.update({ where: { id: userId }, data: preferences, select: SELECT });
}
