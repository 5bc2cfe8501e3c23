// Mail for routes: the development inbox (only while the embedded SMTP server runs) and the
// user's email preferences.
import { folderInbox, type InboxStore } from "@saas/mail/inbox";
import { appSettings } from "./settings.server";

export { EMAIL_KINDS, readEmailPreferences, updateEmailPreferences } from "@saas/mail";

/** Null in production, and wherever mail goes to SMTP_URL: the inbox pages are then not found. */
export function devInbox(): InboxStore | null {
  const { inboxDir } = appSettings();
  return inboxDir ? folderInbox(inboxDir) : null;
}
