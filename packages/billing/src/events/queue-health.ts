// The job queue as `/healthz` and `pnpm billing:events` report it.
import type { PrismaClient } from "@saas/db";

export type QueueHealth = {
  /** Jobs still to run: due now, running, or waiting out a retry's back-off. */
  depth: number;
  /** Seconds since the oldest of them was queued; 0 when there is none. */
  oldestAgeSeconds: number;
  /** Jobs that stopped after their last attempt (their events show as failed). */
  failed: number;
};

type QueueHealthRow = { depth: number; oldest: number | null; failed: number };

/** One read of the queue's table; `/healthz` runs it on its probe connection (`probeQuery`). */
export const QUEUE_HEALTH_QUERY = `
  SELECT count(*) FILTER (WHERE attempts < max_attempts)::int AS depth,
         extract(epoch FROM now() - min(created_at) FILTER (WHERE attempts < max_attempts))::float8 AS oldest,
         count(*) FILTER (WHERE attempts >= max_attempts)::int AS failed
  FROM graphile_worker.jobs`;

export function toQueueHealth(rows: QueueHealthRow[]): QueueHealth {
  const [row] = rows;
  return {
    depth: row?.depth ?? 0,
    oldestAgeSeconds: Math.max(0, Math.round(row?.oldest ?? 0)),
    failed: row?.failed ?? 0,
  };
}

export async function queueHealth(db: PrismaClient): Promise<QueueHealth> {
  return toQueueHealth(await db.$queryRawUnsafe<QueueHealthRow[]>(QUEUE_HEALTH_QUERY));
}
