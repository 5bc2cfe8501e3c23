// The delivery log has one record per attempt; the dashboard shows one row per event and endpoint.
import type { DeliveryRecord } from "../webhooks/dispatcher.ts";

export interface DeliverySummary {
  eventId: string;
  eventType: string;
  endpoint: string;
  url: string;
  attempts: number;
  /** The last attempt's outcome. */
  status: number | null;
  ok: boolean;
  error: string | null;
  duplicate: boolean;
  at: string;
}

/** Newest (by last attempt) first. */
export function groupDeliveries(log: readonly DeliveryRecord[]): DeliverySummary[] {
  const byKey = new Map<string, DeliverySummary>();
  for (const record of log) {
    const key = `${record.eventId}|${record.endpoint}|${record.duplicate ? "dup" : "first"}`;
    const previous = byKey.get(key);
    // Re-inserting moves the row to the end, so iteration order is "last attempted last".
    if (previous !== undefined) byKey.delete(key);
    byKey.set(key, {
      eventId: record.eventId,
      eventType: record.eventType,
      endpoint: record.endpoint,
      url: record.url,
      attempts: (previous?.attempts ?? 0) + 1,
      status: record.status,
      ok: record.ok,
      error: record.error,
      duplicate: record.duplicate,
      at: record.at,
    });
  }
  return Array.from(byKey.values()).reverse();
}
