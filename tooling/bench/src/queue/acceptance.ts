// Issue 18's acceptance benchmark, in one run: POST /api/webhooks/stripe against the limits of
// the same machine. The same deliveries, at the same concurrency and through the same client,
// go to a bare node:http server, to an empty Remix route on the same production server (the
// bench's build only), to PostgreSQL alone (the route's one statement through pg) and to the
// webhook route, in small chunks taken in turns (the order rotating), so that the machine's
// other load, which changes by the second here, falls on every path alike. After each chunk of
// webhooks the bench waits until the worker (in the app's process, as `pnpm start` runs it)
// has applied them, so its work never runs during another path's chunk. Then one whole burst
// goes to the webhook alone: how long until every event is applied, and what the database's
// connections did meanwhile.
import os from "node:os";
import type { Delivery } from "../seed/build-deliveries.ts";
import { startMonitor, type PhaseUsage } from "../load/phase-monitor.ts";
import type { CpuGroup } from "../stack/process-cpu.ts";
import { EMPTY_ROUTE_PATH } from "../stack/start-app.ts";
import type { Stack } from "../stack/start-stack.ts";
import { waitForConvergence, type Convergence } from "./converge.ts";
import { acceptWithPostgres } from "./postgres-accept.ts";
import { combine, postDeliveries, retryRefused, type Endpoint, type PostResult } from "./post-deliveries.ts";

const CHUNK = 250;

export type AcceptanceResult = {
  chunks: number;
  bare: PostResult;
  empty: PostResult;
  postgres: PostResult;
  app: PostResult;
  /** Webhooks refused on the first try (sent again, as Stripe would), and those still refused after 3 more. */
  retried: number;
  stillRefused: number;
  /** webhook ÷ empty route, chunk by chunk: how much the ratio moved with the machine's load. */
  chunkRatios: number[];
  /** One whole burst to the webhook alone, followed until every accepted event was applied. */
  burst: {
    post: PostResult;
    retried: number;
    stillRefused: number;
    convergence: Convergence;
    /** While the burst was being sent, and from its first delivery until convergence. */
    sending: PhaseUsage;
    untilConverged: PhaseUsage;
  };
  loadAverage: { start: number[]; end: number[] };
};

type Part = PostResult & { samples: number[] };

export async function measureAcceptance(options: {
  stack: Stack;
  bareUrl: string;
  bareCpu: CpuGroup;
  baselineUrl: string;
  /** Measured in turns, chunk by chunk. */
  deliveries: Delivery[];
  /** The whole burst, under ids of its own. */
  burst: Delivery[];
  /** Sent to every path before anything is measured. */
  warmup: Delivery[];
  concurrency: number;
  log: (line: string) => void;
}): Promise<AcceptanceResult> {
  const { stack, concurrency, log } = options;
  const webhook: Endpoint = {
    kind: "webhook",
    baseUrl: stack.app.url,
    stripe: stack.stripe,
    secret: stack.webhookSecret,
  };
  // A same-origin POST, as a form sends it: every non-webhook POST must pass the CSRF check.
  const empty: Endpoint = {
    kind: "plain",
    baseUrl: stack.app.url,
    path: EMPTY_ROUTE_PATH,
    headers: { origin: stack.app.url },
  };
  const bare: Endpoint = { kind: "plain", baseUrl: options.bareUrl, path: "/" };
  const converged = (deliveries: readonly Delivery[], from: number) =>
    waitForConvergence(
      stack.app.databaseUrl,
      deliveries.map((d) => d.id),
      from,
    );
  const paths: Record<"bare" | "empty" | "postgres" | "app", (chunk: Delivery[]) => Promise<Part>> = {
    bare: (chunk) => postDeliveries(bare, chunk, concurrency),
    empty: (chunk) => postDeliveries(empty, chunk, concurrency),
    postgres: (chunk) => acceptWithPostgres(options.baselineUrl, chunk, concurrency),
    app: async (chunk) => {
      const started = performance.now();
      const part = await postDeliveries(webhook, chunk, concurrency);
      // Refused deliveries (a 5xx) are sent again, as Stripe would, outside the timed part.
      const again = await retryRefused(webhook, chunk, part.answers);
      retried += again.retried;
      stillRefused += again.stillRefused;
      await converged(chunk, started);
      return part;
    },
  };
  const order = ["bare", "empty", "postgres", "app"] as const;
  let retried = 0;
  let stillRefused = 0;

  // Not measured: the first few hundred requests of each path run before V8 has optimised it
  // (a cold empty route ran at a fifth of its later rate).
  log(`acceptance: warming up each path with ${options.warmup.length} deliveries`);
  for (const name of order) await paths[name](options.warmup);
  retried = 0;
  stillRefused = 0;

  const start = os.loadavg();
  const chunks: Delivery[][] = [];
  for (let i = 0; i < options.deliveries.length; i += CHUNK) chunks.push(options.deliveries.slice(i, i + CHUNK));
  log(`acceptance: ${chunks.length} chunks of ${CHUNK} to each path in turn (load ${start[0]?.toFixed(1)})`);
  const parts: Record<(typeof order)[number], Part[]> = { bare: [], empty: [], postgres: [], app: [] };
  for (const [index, chunk] of chunks.entries()) {
    for (let k = 0; k < order.length; k++) {
      const name = order[(index + k) % order.length] as (typeof order)[number];
      parts[name].push(await paths[name](chunk));
    }
  }
  const result = {
    bare: strip(combine(parts.bare)),
    empty: strip(combine(parts.empty)),
    postgres: strip(combine(parts.postgres)),
    app: strip(combine(parts.app)),
  };
  const chunkRatios = parts.app.map((part, i) => part.perSecond / (parts.empty[i]?.perSecond ?? NaN));
  const pct = (n: number) => `${((result.app.perSecond / n) * 100).toFixed(0)} %`;
  log(
    `acceptance: bare ${result.bare.perSecond.toFixed(0)}/s, empty route ${result.empty.perSecond.toFixed(0)}/s, ` +
      `pg ${result.postgres.perSecond.toFixed(0)}/s, webhook ${result.app.perSecond.toFixed(0)}/s ` +
      `(${pct(result.empty.perSecond)} of empty, ${pct(result.postgres.perSecond)} of pg), ` +
      `p99 ${result.app.latency.p99.toFixed(1)} ms`,
  );

  log(`acceptance: one burst of ${options.burst.length} webhooks, followed until applied`);
  const groups = [...stack.cpuGroups, options.bareCpu];
  const wholeMonitor = await startMonitor(stack.app.databaseUrl, groups);
  const sendMonitor = await startMonitor(stack.app.databaseUrl, groups);
  const started = performance.now();
  const post = await postDeliveries(webhook, options.burst, concurrency);
  const sending = await sendMonitor.stop();
  const again = await retryRefused(webhook, options.burst, post.answers);
  const convergence = await converged(options.burst, started);
  const untilConverged = await wholeMonitor.stop();
  log(`acceptance: the burst converged in ${convergence.seconds?.toFixed(1) ?? "–"} s`);
  return {
    chunks: chunks.length,
    ...result,
    retried,
    stillRefused,
    chunkRatios,
    burst: { post: strip(post), ...again, convergence, sending, untilConverged },
    loadAverage: { start, end: os.loadavg() },
  };
}

/** The summary without the raw samples and answers. */
function strip(result: PostResult & { samples?: number[]; answers?: string[] }): PostResult {
  const { deliveries, seconds, perSecond, latency, outcomes } = result;
  return { deliveries, seconds, perSecond, latency, outcomes };
}
