// What acceptance costs PostgreSQL alone: the webhook route's one statement (decision 018,
// packages/billing/src/webhooks/handle-stripe-webhook.ts), issued with pg into the baseline
// database on the same server (fsync on, synchronous commit), at the same concurrency, with
// no HTTP and no signature check. The same rows: the log row with its jsonb payload, and the
// customer's sync job through graphile_worker.add_job. Nothing runs those jobs there.
import { customerIdOf, CUSTOMER_SYNC_TASK, HANDLED_EVENTS } from "@saas/billing";
import pg from "pg";
import type Stripe from "stripe";
import { runPool } from "../load/run-pool.ts";
import { summarize } from "../load/stats.ts";
import type { Delivery } from "../seed/build-deliveries.ts";
import { tally } from "../ingest/ingest-result.ts";
import type { PostResult } from "./post-deliveries.ts";

/** Kept equal to the statement in handle-stripe-webhook.ts and queue.ts (12 attempts). */
const ACCEPT = `
  WITH logged AS (
    INSERT INTO webhook_log (id, type, outcome, stripe_customer_id, stripe_created_at, received_at, applied_at, payload)
    VALUES ($1, $2, $3, $4, $5, now() AT TIME ZONE 'UTC', NULL, $6::jsonb)
    ON CONFLICT (id) DO NOTHING
    RETURNING stripe_customer_id, outcome
  ), queued AS (
    SELECT graphile_worker.add_job(
      $7,
      json_build_object('customerId', logged.stripe_customer_id::text),
      queue_name => 'stripe-customer:' || logged.stripe_customer_id::text,
      job_key => 'sync:' || logged.stripe_customer_id::text,
      max_attempts => 12
    )
    FROM logged WHERE logged.outcome = 'queued'
  )
  SELECT (SELECT count(*) FROM logged)::int AS logged, (SELECT count(*) FROM queued)::int AS queued`;

export async function acceptWithPostgres(
  databaseUrl: string,
  deliveries: readonly Delivery[],
  concurrency: number,
): Promise<PostResult & { samples: number[] }> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: concurrency });
  pool.on("error", () => {}); // an idle connection lost: the next query fails and says why
  try {
    // Warm, as the app's pool is; every connection that opened is handed back.
    const opened = await Promise.allSettled(Array.from({ length: concurrency }, () => pool.connect()));
    for (const result of opened) if (result.status === "fulfilled") result.value.release();
    const { results, seconds } = await runPool(deliveries, concurrency, async (delivery) => {
      const started = performance.now();
      // The app parses the body too (after the signature check); the parse is part of the work.
      const event = JSON.parse(delivery.payload) as Stripe.Event;
      const customerId = customerIdOf(event);
      const outcome = !HANDLED_EVENTS.has(event.type) ? "ignored" : customerId ? "queued" : "applied";
      try {
        const { rows } = await pool.query<{ logged: number }>(ACCEPT, [
          event.id,
          event.type,
          outcome,
          customerId,
          new Date(event.created * 1000),
          delivery.payload,
          CUSTOMER_SYNC_TASK,
        ]);
        return { outcome: rows[0]?.logged ? outcome : "duplicate", ms: performance.now() - started };
      } catch (error) {
        const reason = error instanceof Error ? error.message.slice(0, 60) : String(error);
        return { outcome: `error:${reason}`, ms: performance.now() - started };
      }
    });
    const samples = results.map((r) => r.ms);
    return {
      deliveries: deliveries.length,
      seconds,
      perSecond: deliveries.length / seconds,
      latency: summarize(samples),
      outcomes: tally(results.map((r) => r.outcome)),
      samples,
    };
  } finally {
    await pool.end();
  }
}
