// How long the webhook log keeps what it keeps, and the housekeeping that enforces it.
import type { PrismaClient } from "@saas/db";

const DAY_MS = 24 * 60 * 60 * 1000;

export const WEBHOOK_RETENTION = {
  /** Payloads are kept for replay and audit as long as Stripe keeps events: 30 days. */
  payloadDays: 30,
  /**
   * Rows (the event ids that make a redelivery a duplicate) are kept well past the three
   * days Stripe retries a delivery, and past the 30 days an event can be resent from the
   * dashboard. Events still queued or failed are kept whatever their age (the index on
   * outcome and time finds the others).
   */
  rowDays: 90,
} as const;

export type WebhookPruneResult = { payloadsCleared: number; rowsDeleted: number };

export async function pruneWebhookLog(
  db: PrismaClient,
  now: Date = new Date(),
  retention: { payloadDays: number; rowDays: number } = WEBHOOK_RETENTION,
): Promise<WebhookPruneResult> {
  const payloadsBefore = new Date(now.getTime() - retention.payloadDays * DAY_MS);
  const rowsBefore = new Date(now.getTime() - retention.rowDays * DAY_MS);
  const [deleted, cleared] = await db.$transaction([
    db.$executeRaw`
      DELETE FROM webhook_log
      WHERE received_at < ${rowsBefore}::timestamptz AT TIME ZONE 'UTC' AND outcome IN ('applied', 'ignored')`,
    db.$executeRaw`
      UPDATE webhook_log SET payload = NULL
      WHERE received_at < ${payloadsBefore}::timestamptz AT TIME ZONE 'UTC' AND payload IS NOT NULL`,
  ]);
  return { payloadsCleared: cleared, rowsDeleted: deleted };
}
