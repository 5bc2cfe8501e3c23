// How long the email log keeps an email's row, and the housekeeping that enforces it.
import type { PrismaClient } from "@saas/db";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * A row's key is what keeps one cause from sending twice, so it outlives every way the cause
 * can come back: Stripe's redeliveries (3 days), an event resent from the dashboard (30 days),
 * a replay of the webhook log (its rows go after 90 days). Emails still queued are kept
 * whatever their age: their job has yet to run.
 */
export const EMAIL_RETENTION = { rowDays: 90 } as const;

export async function pruneEmailLog(
  db: PrismaClient,
  now: Date = new Date(),
  retention: { rowDays: number } = EMAIL_RETENTION,
): Promise<{ rowsDeleted: number }> {
  const before = new Date(now.getTime() - retention.rowDays * DAY_MS);
  const rowsDeleted = await db.$executeRaw`
    DELETE FROM email_log
    WHERE created_at < ${before}::timestamptz AT TIME ZONE 'UTC' AND status IN ('sent', 'skipped', 'failed')`;
  return { rowsDeleted };
}
