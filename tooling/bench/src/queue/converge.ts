// Waiting for the worker: the events a phase sent are converged once none is still queued
// for its customer's sync job (applied, or failed for good after the job's last attempt).
import pg from "pg";

export type Convergence = {
  /** Seconds from the given start until nothing was queued; null when the deadline passed first. */
  seconds: number | null;
  applied: number;
  failed: number;
  queued: number;
  /** Sent, yet not in webhook_log at all. */
  missing: number;
};

export async function waitForConvergence(
  databaseUrl: string,
  ids: readonly string[],
  startedAt: number,
  deadlineMs = 300_000,
): Promise<Convergence> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    let seconds: number | null = null;
    // Cheap while waiting (the outcome index); the exact tally of these ids once it is done.
    while (performance.now() - startedAt < deadlineMs) {
      const { rows } = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM webhook_log WHERE outcome = 'queued'`,
      );
      if (!rows[0]?.n) {
        seconds = (performance.now() - startedAt) / 1000;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const { rows } = await client.query<{ outcome: string; n: number }>(
      `SELECT outcome, count(*)::int AS n FROM webhook_log WHERE id = ANY($1::text[]) GROUP BY outcome`,
      [[...new Set(ids)]],
    );
    const by = Object.fromEntries(rows.map((row) => [row.outcome, row.n]));
    const found = rows.reduce((sum, row) => sum + row.n, 0);
    return {
      seconds,
      applied: (by.applied ?? 0) + (by.ignored ?? 0),
      failed: by.failed ?? 0,
      queued: by.queued ?? 0,
      missing: new Set(ids).size - found,
    };
  } finally {
    await client.end();
  }
}
