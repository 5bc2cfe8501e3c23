// Markdown for issue 18's sections: acceptance against the machine's limits, convergence,
// idle-in-transaction connections, Stripe requests per handled event, the renewal burst and
// acceptance against the size of webhook_log.
import type { PhaseUsage } from "../load/phase-monitor.ts";
import { ms, pct } from "../load/stats.ts";
import type { AcceptanceRound } from "../queue/acceptance.ts";
import type { BurstResult } from "../queue/deliver-burst.ts";
import type { PostResult } from "../queue/post-deliveries.ts";
import { tableRow } from "./markdown.ts";
import { TARGETS, type BenchResults } from "./results.ts";

const verdict = (ok: boolean) => (ok ? "met" : "**missed**");
const n0 = (value: number) => value.toFixed(0);
const n1 = (value: number) => value.toFixed(1);
const load = (average: number[]) => average.map(n1).join(" / ");
const seconds = (value: number | null) => (value === null ? "not within 300 s" : `${value.toFixed(1)} s`);
const outcomes = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([name, count]) => `${count} ${name}`)
    .join(", ");
const cpu = (usage: PhaseUsage, group: string) => `${((usage.cpu[group] ?? 0) * 100).toFixed(0)} %`;
const idleInTx = (usage: PhaseUsage) =>
  `${n1(usage.waits.avg.idleInTx)} / ${usage.waits.max.idleInTx} (oldest ${ms(usage.waits.idleInTxOldestMs, 0)})`;

/** The median round by the webhook's share of the empty route: the one the targets are read from. */
function medianRound(rounds: AcceptanceRound[]): AcceptanceRound | null {
  const sorted = [...rounds].sort((a, b) => a.app.perSecond / a.empty.perSecond - b.app.perSecond / b.empty.perSecond);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? null;
}

export function queueTargets(results: BenchResults): string[][] {
  const rows: string[][] = [];
  const round = medianRound(results.acceptance);
  if (round) {
    const ratio = round.app.perSecond / round.empty.perSecond;
    rows.push([
      `webhook acceptance vs the empty Remix route, 32 in flight`,
      `≥ ${pct(TARGETS.acceptanceVsEmptyRoute)}`,
      pct(ratio),
      verdict(ratio >= TARGETS.acceptanceVsEmptyRoute),
    ]);
    rows.push([
      `webhook acceptance p99, 32 in flight`,
      `≤ ${TARGETS.acceptanceP99Ms} ms`,
      ms(round.app.latency.p99),
      verdict(round.app.latency.p99 <= TARGETS.acceptanceP99Ms),
    ]);
    const maxIdle = Math.max(...results.acceptance.map((r) => r.untilConverged.waits.max.idleInTx));
    rows.push([
      `connections idle in transaction, ingest until converged (max)`,
      `0 while Stripe answers`,
      String(maxIdle),
      maxIdle === 0 ? "met" : "see section",
    ]);
  }
  if (results.mix) {
    const { requests, events } = mixTotals(results.mix.waves.map((w) => ({ events: w.events, result: w.result })));
    const perEvent = requests / Math.max(1, events);
    rows.push([
      `Stripe requests per handled event (mix)`,
      `≤ ${TARGETS.stripeRequestsPerEvent}`,
      perEvent.toFixed(2),
      verdict(perEvent <= TARGETS.stripeRequestsPerEvent),
    ]);
  }
  if (results.burst) {
    const { result, events } = results.burst;
    const lost = lostOf(result);
    const ok = result.serverErrors === 0 && lost === 0 && result.convergence.seconds !== null;
    rows.push([
      `${events}-event renewal burst: 5xx / lost / converged`,
      `0 / 0 / yes`,
      `${result.serverErrors} / ${lost} / ${seconds(result.convergence.seconds)}`,
      verdict(ok),
    ]);
  }
  return rows;
}

const mixTotals = (waves: Array<{ events: number; result: BurstResult }>) => ({
  requests: waves.reduce((sum, w) => sum + w.result.stripe.requests, 0),
  events: waves.reduce((sum, w) => sum + w.events, 0),
});

/** Events sent and never applied: missing from the log, still queued, or failed for good. */
const lostOf = (result: BurstResult) =>
  result.convergence.missing + result.convergence.queued + result.convergence.failed;

const pathRow = (name: string, result: PostResult, extra: string) =>
  tableRow(name, n0(result.perSecond), ms(result.latency.p50), ms(result.latency.p99), ms(result.latency.max), extra);

export function formatAcceptance(results: BenchResults): string[] {
  const rounds = results.acceptance;
  if (!rounds.length) return [];
  const first = rounds[0] as AcceptanceRound;
  const lines = [
    `### A. Webhook acceptance against the machine's limits (issue 18, 1, 2, 5)`,
    ``,
    `${rounds.length} round(s), each: ${first.app.deliveries} deliveries (copies of real events under new ids, ` +
      `${pct(duplicateShareOf(round0(results)))} duplicates), 32 in flight, ` +
      `the same bodies and the same client to each path in turn. ` +
      `The job worker runs inside the app's process, as \`pnpm start\` runs it, and syncs from Stripe meanwhile.`,
    ``,
  ];
  for (const [index, round] of rounds.entries()) {
    const vsEmpty = round.app.perSecond / round.empty.perSecond;
    const vsPg = round.app.perSecond / round.postgres.perSecond;
    lines.push(
      `Round ${index + 1} (load average ${load(round.loadAverage)}):`,
      ``,
      `| path | requests/s | p50 | p99 | max | outcomes |`,
      `|---|---:|---:|---:|---:|---|`,
      pathRow("bare node:http server (own process)", round.bare, outcomes(round.bare.outcomes)),
      pathRow("empty Remix route, same server (bench build only)", round.empty, outcomes(round.empty.outcomes)),
      pathRow("PostgreSQL: the route's statement through pg", round.postgres, outcomes(round.postgres.outcomes)),
      pathRow(
        "**POST /api/webhooks/stripe**",
        round.app,
        outcomes(round.app.outcomes) + (round.app.retried ? ` (${round.app.retried} retried)` : ""),
      ),
      ``,
      `Acceptance = **${pct(vsEmpty)} of the empty route**, ${pct(vsPg)} of PostgreSQL ` +
        `(the empty route: ${pct(round.empty.perSecond / round.bare.perSecond)} of bare node:http). ` +
        `Converged (every accepted event applied by the worker) ${seconds(round.convergence.seconds)} ` +
        `after the first delivery; sending took ${round.app.seconds.toFixed(1)} s. ` +
        `${round.convergence.applied} applied, ${round.convergence.failed} failed, ` +
        `${round.convergence.queued} still queued, ${round.convergence.missing} missing.`,
      ``,
      `| phase | CPU: app | postgres | emulator | load gen | others | PG idle in tx: mean / max | running | idle |`,
      `|---|---:|---:|---:|---:|---:|---:|---:|---:|`,
      usageRow("webhooks being sent", round.app.usage),
      usageRow("first webhook until converged", round.untilConverged),
      ``,
      ...idleQueries(round.untilConverged),
    );
  }
  lines.push(
    `Idle in transaction: connections of the app's database in that state, sampled every 100 ms from ` +
      `pg_stat_activity; "oldest" is the longest a transaction had been open in any sample where it sat idle. ` +
      `A short write transaction shows for a moment between its statements; one held open across a Stripe ` +
      `call would last at least Stripe's answer (see --stripe-latency).`,
    ``,
  );
  return lines;
}

const round0 = (results: BenchResults) => results.acceptance[0] as AcceptanceRound;
const duplicateShareOf = (round: AcceptanceRound) => (round.app.outcomes.duplicate ?? 0) / round.app.deliveries;

/** The statements idle-in-transaction connections had run last: which transaction was waiting. */
function idleQueries(usage: PhaseUsage): string[] {
  const queries = usage.waits.idleInTxQueries;
  if (!queries.length) return [];
  const list = queries.map((q) => `\`${q.query.replace(/`/g, "'")}\` (mean ${q.avg.toFixed(2)})`).join("; ");
  return [`Idle in transaction after: ${list}.`, ``];
}

function usageRow(name: string, usage: PhaseUsage): string {
  return tableRow(
    name,
    cpu(usage, "app"),
    cpu(usage, "postgres"),
    cpu(usage, "emulator"),
    cpu(usage, "bench"),
    `${((usage.cpu.other ?? 0) * 100).toFixed(0)} %`,
    idleInTx(usage),
    n1(usage.waits.avg.running),
    n1(usage.waits.avg.idle),
  );
}

function burstRow(name: string, events: number, result: BurstResult): string {
  const limited = result.stripe.byStatus["429"] ?? 0;
  return tableRow(
    name,
    String(events),
    String(result.jobs.runs),
    String(result.stripe.requests),
    (result.stripe.requests / Math.max(1, events)).toFixed(2),
    String(result.jobs.stripeRequests),
    String(limited),
    String(result.serverErrors),
    String(lostOf(result)),
    seconds(result.convergence.seconds),
    idleInTx(result.usage),
  );
}

const BURST_HEAD = [
  `| wave | handled events | sync jobs run | Stripe requests (proxy) | per event | by the jobs' own count | ` +
    `429 | 5xx answered | lost | converged | idle in tx: mean / max |`,
  `|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|`,
];

export function formatMix(results: BenchResults): string[] {
  const mix = results.mix;
  if (!mix) return [];
  const totals = mixTotals(mix.waves);
  return [
    `### B. Stripe requests per handled event, a realistic mix (issue 18, 3)`,
    ``,
    `${mix.customers} new customers on a test clock: each subscribes through Checkout, one in three then changes ` +
      `plan (invoiced at once), then the clock moves a month and all renew together. Each wave's events are ` +
      `delivered as one burst at 32 in flight right after the activity and followed until applied. Stripe ` +
      `requests are the app's, counted by the bench's proxy in front of the emulator.`,
    ``,
    ...BURST_HEAD,
    ...mix.waves.map((w) => burstRow(w.name, w.events, w.result)),
    tableRow(
      "**all**",
      String(totals.events),
      "",
      String(totals.requests),
      `**${(totals.requests / Math.max(1, totals.events)).toFixed(2)}**`,
      "",
      "",
      "",
      "",
      "",
      "",
    ),
    ``,
  ];
}

export function formatBurst(results: BenchResults): string[] {
  const burst = results.burst;
  if (!burst) return [];
  const { result } = burst;
  return [
    `### C. Month-start renewal burst (issue 18, 4)`,
    ``,
    `${burst.customers} customers on one test clock, moved a month: ${burst.events} handled events delivered at ` +
      `32 in flight as fast as the app takes them ` +
      `(${n0(result.post.perSecond)}/s, p99 ${ms(result.post.latency.p99)}). ` +
      `Answers on the first try: ${outcomes(result.post.outcomes)}; ${result.retried} sent again, ` +
      `${result.stillRefused} still refused after 3 more tries. Stripe answered: ` +
      `${outcomes(result.stripe.byStatus) || "nothing"}.`,
    ``,
    ...BURST_HEAD,
    burstRow("renewals", burst.events, result),
    ``,
    `Lost = sent and not applied at the end (missing from webhook_log, still queued, or failed for good). ` +
      `429s are Stripe's answers to the app as the proxy saw them: 0 while the emulator has no rate limit.`,
    ``,
  ];
}

export function formatLogSize(results: BenchResults): string[] {
  const steps = results.logSize;
  if (!steps.length) return [];
  return [
    `### D. Acceptance against the size of webhook_log (issue 18, 7)`,
    ``,
    `webhook_log filled with INSERT … SELECT generate_series (applied events over the last 20 days, small ` +
      `payloads), analyzed, then the same number of deliveries to the empty route and to the webhook, 32 in flight.`,
    ``,
    `| rows in webhook_log | filled in | empty route/s | webhook/s | webhook / empty | webhook p50 | p99 | ` +
      `converged | load average |`,
    `|---:|---:|---:|---:|---:|---:|---:|---:|---|`,
    ...steps.map((step) =>
      tableRow(
        step.rows.toLocaleString("en-US"),
        `${step.fillSeconds.toFixed(0)} s`,
        n0(step.empty.perSecond),
        n0(step.app.perSecond),
        pct(step.app.perSecond / step.empty.perSecond),
        ms(step.app.latency.p50),
        ms(step.app.latency.p99),
        seconds(step.convergence.seconds),
        load(step.loadAverage),
      ),
    ),
    ``,
  ];
}
