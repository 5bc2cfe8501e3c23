// Issue 18's acceptance benchmark, in one run: POST /api/webhooks/stripe against the limits of
// the same machine. Each round sends the same deliveries, at the same concurrency, to a bare
// node:http server, to an empty Remix route on the same production server (the bench's build
// only), to PostgreSQL alone (the route's one statement through pg) and to the webhook route;
// then it waits until the worker, running in the app's process as `pnpm start` runs it, has
// applied every accepted event. Rounds alternate the paths so a change in the machine's other
// load falls on all of them.
import os from "node:os";
import type { Delivery } from "../seed/build-deliveries.ts";
import { startMonitor, type PhaseUsage } from "../load/phase-monitor.ts";
import type { CpuGroup } from "../stack/process-cpu.ts";
import { EMPTY_ROUTE_PATH } from "../stack/start-app.ts";
import type { Stack } from "../stack/start-stack.ts";
import { waitForConvergence, type Convergence } from "./converge.ts";
import { acceptWithPostgres } from "./postgres-accept.ts";
import { postDeliveries, retryRefused, type PostResult } from "./post-deliveries.ts";

export type AcceptanceRound = {
  bare: PostResult;
  empty: PostResult;
  postgres: PostResult;
  app: PostResult & { usage: PhaseUsage; retried: number; stillRefused: number };
  /** From the first webhook sent until every accepted event was applied. */
  convergence: Convergence;
  /** The pg_stat_activity and CPU picture from the first webhook sent until convergence. */
  untilConverged: PhaseUsage;
  loadAverage: number[];
};

export async function measureAcceptance(options: {
  stack: Stack;
  bareUrl: string;
  bareCpu: CpuGroup;
  baselineUrl: string;
  plans: Delivery[][];
  /** Sent to every path before the rounds, not measured. */
  warmup: Delivery[];
  concurrency: number;
  log: (line: string) => void;
}): Promise<AcceptanceRound[]> {
  const { stack, concurrency, log } = options;
  const webhook = {
    kind: "webhook",
    baseUrl: stack.app.url,
    stripe: stack.stripe,
    secret: stack.webhookSecret,
  } as const;
  // A same-origin POST, as a form would send it: every non-webhook POST must pass the CSRF check.
  const empty = {
    kind: "plain",
    baseUrl: stack.app.url,
    path: EMPTY_ROUTE_PATH,
    headers: { origin: stack.app.url },
  } as const;
  // Warm-up, not measured: the first few hundred requests of each path run before V8 has
  // optimised it (the first round measured the empty route at a fifth of later ones).
  const warmup = options.warmup;
  log(`acceptance: warming up each path with ${warmup.length} deliveries`);
  await postDeliveries({ kind: "plain", baseUrl: options.bareUrl, path: "/" }, warmup, concurrency);
  await postDeliveries(empty, warmup, concurrency);
  await acceptWithPostgres(options.baselineUrl, warmup, concurrency);
  await postDeliveries(webhook, warmup, concurrency);
  await waitForConvergence(
    stack.app.databaseUrl,
    warmup.map((d) => d.id),
    performance.now(),
  );
  const rounds: AcceptanceRound[] = [];
  for (const [index, deliveries] of options.plans.entries()) {
    const loadAverage = os.loadavg();
    const label = `acceptance round ${index + 1}/${options.plans.length}`;
    log(
      `${label}: ${deliveries.length} deliveries each, ${concurrency} in flight (load ${loadAverage[0]?.toFixed(1)})`,
    );
    const bare = await postDeliveries({ kind: "plain", baseUrl: options.bareUrl, path: "/" }, deliveries, concurrency);
    const emptyRoute = await postDeliveries(empty, deliveries, concurrency);
    const postgres = await acceptWithPostgres(options.baselineUrl, deliveries, concurrency);
    const groups = [...stack.cpuGroups, options.bareCpu];
    const wholeMonitor = await startMonitor(stack.app.databaseUrl, groups);
    const sendMonitor = await startMonitor(stack.app.databaseUrl, groups);
    const started = performance.now();
    const app = await postDeliveries(webhook, deliveries, concurrency);
    const usage = await sendMonitor.stop();
    const { retried, stillRefused } = await retryRefused(webhook, deliveries, app.answers);
    const convergence = await waitForConvergence(
      stack.app.databaseUrl,
      deliveries.map((d) => d.id),
      started,
    );
    const untilConverged = await wholeMonitor.stop();
    const { answers: _answers, ...appResult } = app;
    rounds.push({
      bare,
      empty: emptyRoute,
      postgres,
      app: { ...appResult, usage, retried, stillRefused },
      convergence,
      untilConverged,
      loadAverage,
    });
    const pct = (n: number) => `${((app.perSecond / n) * 100).toFixed(0)} %`;
    log(
      `${label}: bare ${bare.perSecond.toFixed(0)}/s, empty route ${emptyRoute.perSecond.toFixed(0)}/s, ` +
        `pg ${postgres.perSecond.toFixed(0)}/s, webhook ${app.perSecond.toFixed(0)}/s ` +
        `(${pct(emptyRoute.perSecond)} of empty, ${pct(postgres.perSecond)} of pg), ` +
        `p99 ${app.latency.p99.toFixed(1)} ms; ` +
        `converged in ${convergence.seconds?.toFixed(1) ?? "–"} s`,
    );
  }
  return rounds;
}
