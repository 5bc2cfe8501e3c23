// Acceptance against the size of webhook_log: the route's insert must cost the same with the
// log at 10 thousand rows as at a million (Stripe keeps events 30 days, and so do we). The
// log is filled with INSERT … SELECT generate_series (small payloads: the heap only grows at
// its end; what could slow an insert is its indexes' depth), analyzed as autovacuum would,
// then the webhook route and the empty route take the same deliveries, as in acceptance.
import os from "node:os";
import pg from "pg";
import { startMonitor, type PhaseUsage } from "../load/phase-monitor.ts";
import type { Delivery } from "../seed/build-deliveries.ts";
import { EMPTY_ROUTE_PATH } from "../stack/start-app.ts";
import type { Stack } from "../stack/start-stack.ts";
import { waitForConvergence, type Convergence } from "./converge.ts";
import { combine, postDeliveries, retryRefused, type Endpoint, type PostResult } from "./post-deliveries.ts";

const CHUNK = 250;

export type LogSizeStep = {
  rows: number;
  fillSeconds: number;
  empty: PostResult;
  app: PostResult;
  usage: PhaseUsage;
  /** Of the last chunk: the worker is drained after each chunk of webhooks. */
  convergence: Convergence;
  loadAverage: number[];
};

export async function measureLogSize(options: {
  stack: Stack;
  sizes: number[];
  plan: (step: number) => Delivery[];
  concurrency: number;
  log: (line: string) => void;
}): Promise<LogSizeStep[]> {
  const { stack, concurrency, log } = options;
  const db = new pg.Client({ connectionString: stack.app.databaseUrl });
  await db.connect();
  const steps: LogSizeStep[] = [];
  try {
    for (const [index, size] of options.sizes.entries()) {
      const fillStarted = performance.now();
      const rows = await fillTo(db, size);
      const fillSeconds = (performance.now() - fillStarted) / 1000;
      const deliveries = options.plan(index);
      const loadAverage = os.loadavg();
      log(`log size: ${rows} rows (filled in ${fillSeconds.toFixed(0)} s); ${deliveries.length} deliveries each`);
      const empty: Endpoint = {
        kind: "plain",
        baseUrl: stack.app.url,
        path: EMPTY_ROUTE_PATH,
        headers: { origin: stack.app.url },
      };
      const webhook: Endpoint = {
        kind: "webhook",
        baseUrl: stack.app.url,
        stripe: stack.stripe,
        secret: stack.webhookSecret,
      };
      // In turns, chunk by chunk, as in acceptance: the machine's load falls on both alike.
      const emptyParts: Array<Awaited<ReturnType<typeof postDeliveries>>> = [];
      const appParts: typeof emptyParts = [];
      const monitor = await startMonitor(stack.app.databaseUrl, stack.cpuGroups);
      let convergence: Convergence | null = null;
      for (let i = 0; i < deliveries.length; i += CHUNK) {
        const chunk = deliveries.slice(i, i + CHUNK);
        emptyParts.push(await postDeliveries(empty, chunk, concurrency));
        const started = performance.now();
        const part = await postDeliveries(webhook, chunk, concurrency);
        appParts.push(part);
        await retryRefused(webhook, chunk, part.answers);
        convergence = await waitForConvergence(
          stack.app.databaseUrl,
          chunk.map((d) => d.id),
          started,
        );
      }
      const usage = await monitor.stop();
      const strip = ({ samples: _samples, ...rest }: ReturnType<typeof combine>): PostResult => rest;
      const app = strip(combine(appParts));
      const emptyResult = strip(combine(emptyParts));
      steps.push({
        rows,
        fillSeconds,
        empty: emptyResult,
        app,
        usage,
        convergence: convergence as Convergence,
        loadAverage,
      });
      log(
        `log size ${rows}: webhook ${app.perSecond.toFixed(0)}/s p99 ${app.latency.p99.toFixed(1)} ms, ` +
          `empty route ${emptyResult.perSecond.toFixed(0)}/s`,
      );
    }
  } finally {
    await db.end();
  }
  return steps;
}

/** Adds applied events under ids of their own until the log holds `size` rows; returns the count. */
async function fillTo(db: pg.Client, size: number): Promise<number> {
  const count = async () =>
    (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_log`)).rows[0]?.n ?? 0;
  const now = await count();
  if (now < size) {
    const from = (
      await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_log WHERE id LIKE 'evt_fill_%'`)
    ).rows[0]?.n;
    // Spread over the last 20 days: within the 30 days housekeeping keeps payloads for.
    await db.query(
      `INSERT INTO webhook_log
         (id, type, outcome, stripe_customer_id, stripe_created_at, received_at, applied_at, payload)
       SELECT 'evt_fill_' || g, 'invoice.paid', 'applied', 'cus_fill_' || (g % 50000),
         ts, ts, ts, jsonb_build_object('id', 'evt_fill_' || g, 'object', 'event', 'type', 'invoice.paid')
       FROM generate_series($1::int, $2::int) AS g,
         LATERAL (SELECT (now() AT TIME ZONE 'UTC') - (g % 1728000) * interval '1 second' AS ts) AS t`,
      [(from ?? 0) + 1, (from ?? 0) + size - now],
    );
    await db.query(`ANALYZE webhook_log`);
  }
  return count();
}
