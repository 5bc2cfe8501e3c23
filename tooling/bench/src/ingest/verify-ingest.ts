// The end state after ingest: every unique event logged exactly once, and every
// subscription row equal to Stripe's truth on status, price, period end and
// cancel_at_period_end (nothing missing, nothing extra). The only check that can fail
// the benchmark.
import pg from "pg";
import type { SubscriptionRow } from "../seed/subscription-truth.ts";

export type Verification = {
  label: string;
  ok: boolean;
  loggedOnce: number;
  expectedEvents: number;
  subscriptions: number;
  mismatches: string[];
};

type DbRow = {
  stripe_subscription_id: string;
  stripe_customer_id: string;
  status: string;
  stripe_price_id: string;
  current_period_end: Date;
  cancel_at_period_end: boolean;
};

export async function verifyIngest(
  label: string,
  databaseUrl: string,
  eventIds: ReadonlySet<string>,
  truth: Map<string, SubscriptionRow[]>,
): Promise<Verification> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const mismatches: string[] = [];
    const ids = [...eventIds];
    // The app answers once an event is queued: its jobs apply it shortly after.
    await untilApplied(client, ids);
    const logged = await client.query<{ id: string; n: number }>(
      `SELECT id, count(*)::int AS n FROM webhook_log WHERE id = ANY($1::text[]) AND outcome = 'applied' GROUP BY id`,
      [ids],
    );
    const loggedOnce = logged.rows.filter((row) => row.n === 1).length;
    if (loggedOnce !== ids.length)
      mismatches.push(`webhook_log: ${loggedOnce} of ${ids.length} unique events logged once as applied`);

    const customers = [...truth.keys()];
    const rows = await client.query<DbRow>(
      `SELECT stripe_subscription_id, stripe_customer_id, status, stripe_price_id, current_period_end,
         cancel_at_period_end
       FROM subscriptions WHERE stripe_customer_id = ANY($1::text[])`,
      [customers],
    );
    const stored = new Map(rows.rows.map((row) => [row.stripe_subscription_id, row]));
    let subscriptions = 0;
    for (const sub of [...truth.values()].flat()) {
      subscriptions++;
      const row = stored.get(sub.stripeSubscriptionId);
      stored.delete(sub.stripeSubscriptionId);
      if (!row) {
        mismatches.push(`${sub.stripeSubscriptionId}: missing`);
        continue;
      }
      const diffs = [
        row.status !== sub.status && `status ${row.status} ≠ ${sub.status}`,
        row.stripe_price_id !== sub.stripePriceId && `price ${row.stripe_price_id} ≠ ${sub.stripePriceId}`,
        row.current_period_end.getTime() !== sub.currentPeriodEnd.getTime() &&
          `period end ${row.current_period_end.toISOString()} ≠ ${sub.currentPeriodEnd.toISOString()}`,
        row.cancel_at_period_end !== sub.cancelAtPeriodEnd &&
          `cancel_at_period_end ${row.cancel_at_period_end} ≠ ${sub.cancelAtPeriodEnd}`,
      ].filter(Boolean);
      if (diffs.length) mismatches.push(`${sub.stripeSubscriptionId}: ${diffs.join(", ")}`);
    }
    for (const extra of stored.keys()) mismatches.push(`${extra}: in the database, not in Stripe`);
    return { label, ok: mismatches.length === 0, loggedOnce, expectedEvents: ids.length, subscriptions, mismatches };
  } finally {
    await client.end();
  }
}

/** Waits (up to two minutes) until none of these events is still queued for its sync job. */
async function untilApplied(client: pg.Client, ids: string[]): Promise<void> {
  for (const started = Date.now(); Date.now() - started < 120_000;) {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM webhook_log WHERE id = ANY($1::text[]) AND outcome = 'queued'`,
      [ids],
    );
    if (!rows[0]?.n) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
