// The baseline: the database work one webhook needs, issued directly with pg at the same
// concurrency, with no HTTP, no signature check and no Stripe (the truth is known up
// front). Same transaction shape as the app's handler: log row first (ON CONFLICT: a
// duplicate stops there), the customer's advisory lock, the subscription upserts
// (written only when a column differs, as the sync does), the dunning resolve for paid
// invoices, one COMMIT.
import { NOTIFICATION_KINDS } from "@saas/billing";
import pg from "pg";
import { startMonitor } from "../load/phase-monitor.ts";
import { runPool } from "../load/run-pool.ts";
import { summarize } from "../load/stats.ts";
import type { CpuGroup } from "../stack/process-cpu.ts";
import type { Delivery } from "../seed/build-deliveries.ts";
import type { SubscriptionRow } from "../seed/subscription-truth.ts";
import { tally, type IngestResult } from "./ingest-result.ts";

const UPSERT = `
  INSERT INTO subscriptions AS s (id, account_id, stripe_subscription_id, stripe_customer_id, status, stripe_price_id,
    stripe_product_id, price_lookup_key, quantity, current_period_start, current_period_end, cancel_at_period_end,
    cancel_at, canceled_at, ended_at, trial_end, synced_at)
  VALUES (gen_random_uuid()::text, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, now())
  ON CONFLICT (stripe_subscription_id) DO UPDATE SET account_id = EXCLUDED.account_id, status = EXCLUDED.status,
    stripe_price_id = EXCLUDED.stripe_price_id, stripe_product_id = EXCLUDED.stripe_product_id,
    price_lookup_key = EXCLUDED.price_lookup_key, quantity = EXCLUDED.quantity,
    current_period_start = EXCLUDED.current_period_start, current_period_end = EXCLUDED.current_period_end,
    cancel_at_period_end = EXCLUDED.cancel_at_period_end, cancel_at = EXCLUDED.cancel_at,
    canceled_at = EXCLUDED.canceled_at, ended_at = EXCLUDED.ended_at, trial_end = EXCLUDED.trial_end, synced_at = now()
  WHERE (s.account_id, s.status, s.stripe_price_id, s.stripe_product_id, s.price_lookup_key, s.quantity,
    s.current_period_start, s.current_period_end, s.cancel_at_period_end, s.cancel_at, s.canceled_at, s.ended_at,
    s.trial_end)
    IS DISTINCT FROM (EXCLUDED.account_id, EXCLUDED.status, EXCLUDED.stripe_price_id, EXCLUDED.stripe_product_id,
    EXCLUDED.price_lookup_key, EXCLUDED.quantity, EXCLUDED.current_period_start, EXCLUDED.current_period_end,
    EXCLUDED.cancel_at_period_end, EXCLUDED.cancel_at, EXCLUDED.canceled_at, EXCLUDED.ended_at, EXCLUDED.trial_end)`;

const MAX_CONNECTIONS = 48;

const PAID = new Set(["invoice.paid", "invoice.payment_succeeded"]);

async function applyOne(
  pool: pg.Pool,
  delivery: Delivery,
  truth: Map<string, SubscriptionRow[]>,
): Promise<{ outcome: string; ms: number }> {
  const started = performance.now();
  // The app parses the body too; the parse is part of the work.
  const event = JSON.parse(delivery.payload) as { id: string; type: string; created: number };
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const logged = await client.query(
      `INSERT INTO webhook_log (id, type, outcome, stripe_created_at, received_at, applied_at)
       VALUES ($1, $2, 'applied', $3, now(), now()) ON CONFLICT (id) DO NOTHING`,
      [event.id, event.type, new Date(event.created * 1000)],
    );
    if (!logged.rowCount) {
      await client.query("COMMIT");
      return { outcome: "duplicate", ms: performance.now() - started };
    }
    const account = await client.query<{ id: string; organization_id: string }>(
      `SELECT id, organization_id FROM accounts WHERE stripe_customer_id = $1`,
      [delivery.customerId],
    );
    const row = account.rows[0];
    if (row) {
      await client.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
        `stripe-customer:${delivery.customerId}`,
      ]);
      for (const sub of truth.get(delivery.customerId) ?? []) {
        await client.query(UPSERT, [
          row.id,
          sub.stripeSubscriptionId,
          sub.stripeCustomerId,
          sub.status,
          sub.stripePriceId,
          sub.stripeProductId,
          sub.priceLookupKey,
          sub.quantity,
          sub.currentPeriodStart,
          sub.currentPeriodEnd,
          sub.cancelAtPeriodEnd,
          sub.cancelAt,
          sub.canceledAt,
          sub.endedAt,
          sub.trialEnd,
        ]);
      }
      if (PAID.has(event.type)) {
        await client.query(
          `UPDATE notifications SET resolved_at = now()
           WHERE organization_id = $1 AND kind = ANY($2) AND resolved_at IS NULL`,
          [row.organization_id, [NOTIFICATION_KINDS.paymentFailed, NOTIFICATION_KINDS.paymentActionRequired]],
        );
      }
    }
    await client.query("COMMIT");
    return { outcome: "applied", ms: performance.now() - started };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    return {
      outcome: `error:${error instanceof Error ? error.message.slice(0, 60) : String(error)}`,
      ms: performance.now() - started,
    };
  } finally {
    client.release();
  }
}

export async function ingestBaseline(
  databaseUrl: string,
  deliveries: readonly Delivery[],
  concurrency: number,
  truth: Map<string, SubscriptionRow[]>,
  cpuGroups: CpuGroup[],
): Promise<IngestResult> {
  // One connection per in-flight delivery: "the same concurrency" all the way to PostgreSQL,
  // up to MAX_CONNECTIONS: the app (web pool, job worker, queue) holds a share of the server's
  // 100, and a pool asking for more than are left waits for ever.
  const size = Math.min(concurrency, MAX_CONNECTIONS);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: size });
  pool.on("error", () => {}); // an idle connection lost: the next query fails and says why
  try {
    // Open the connections before the clock starts, as the app's pool is warm too (no more than
    // the pool holds, or the extra ones wait for ever); every one that opened is handed back.
    const opened = await Promise.allSettled(Array.from({ length: size }, () => pool.connect()));
    for (const result of opened) if (result.status === "fulfilled") result.value.release();
    const monitor = await startMonitor(databaseUrl, cpuGroups);
    const { results, seconds } = await runPool(deliveries, concurrency, (delivery) => applyOne(pool, delivery, truth));
    const usage = await monitor.stop();
    return {
      concurrency,
      deliveries: deliveries.length,
      seconds,
      eventsPerSecond: deliveries.length / seconds,
      latency: summarize(results.map((r) => r.ms)),
      handler: null,
      outcomes: tally(results.map((r) => r.outcome)),
      retried: 0,
      usage,
    };
  } finally {
    await pool.end();
  }
}
