// Markdown for issue 18's sections: acceptance against the machine's limits, convergence,
// idle-in-transaction connections, Stripe requests per handled event, the renewal burst and
// acceptance against the size of webhook_log.
import type { PhaseUsage } from "../load/phase-monitor.ts";
import { ms, pct } from "../load/stats.ts";
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

export function queueTargets(results: BenchResults): string[][] {
  const rows: string[][] = [];
  const acceptance = results.acceptance;
  if (acceptance) {
    const ratio = acceptance.app.perSecond / acceptance.empty.perSecond;
    rows.push([
      `webhook acceptance vs the empty Remix route, 32 in flight`,
      `≥ ${pct(TARGETS.acceptanceVsEmptyRoute)}`,
      pct(ratio),
      verdict(ratio >= TARGETS.acceptanceVsEmptyRoute),
    ]);
    rows.push([
      `webhook acceptance p99, 32 in flight`,
      `≤ ${TARGETS.acceptanceP99Ms} ms`,
      ms(acceptance.app.latency.p99),
      verdict(acceptance.app.latency.p99 <= TARGETS.acceptanceP99Ms),
    ]);
    const { waits } = acceptance.burst.untilConverged;
    rows.push([
      `connections idle in transaction, burst until converged: max (oldest)`,
      `0 while Stripe answers`,
      `${waits.max.idleInTx} (${ms(waits.idleInTxOldestMs, 0)})`,
      "see section A",
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
  const a = results.acceptance;
  if (!a) return [];
  const vsEmpty = a.app.perSecond / a.empty.perSecond;
  const ratios = [...a.chunkRatios].sort((x, y) => x - y);
  const quartile = (q: number) => pct(ratios[Math.floor(q * (ratios.length - 1))] ?? NaN);
  const { burst } = a;
  const duplicates = (a.app.outcomes.duplicate ?? 0) / a.app.deliveries;
  return [
    `### A. Webhook acceptance against the machine's limits (issue 18, 1, 2, 5)`,
    ``,
    `${a.app.deliveries} deliveries (copies of recorded events under new ids, ${pct(duplicates)} duplicates), ` +
      `32 in flight, the same bodies and client for every path, in ${a.chunks} chunks of ` +
      `${Math.round(a.app.deliveries / a.chunks)} taken in turns (the order rotating); after each chunk of webhooks ` +
      `the bench waits for the worker (in the app's process, as \`pnpm start\` runs it) to apply them. ` +
      `Load average ${load(a.loadAverage.start)} at the start, ${load(a.loadAverage.end)} at the end.`,
    ``,
    `| path | requests/s | p50 | p99 | max | outcomes |`,
    `|---|---:|---:|---:|---:|---|`,
    pathRow("bare node:http server (own process)", a.bare, outcomes(a.bare.outcomes)),
    pathRow("empty Remix route, same server (bench build only)", a.empty, outcomes(a.empty.outcomes)),
    pathRow("PostgreSQL: the route's statement through pg", a.postgres, outcomes(a.postgres.outcomes)),
    pathRow(
      "**POST /api/webhooks/stripe**",
      a.app,
      outcomes(a.app.outcomes) + (a.retried ? ` (${a.retried} sent again, ${a.stillRefused} still refused)` : ""),
    ),
    ``,
    `Acceptance = **${pct(vsEmpty)} of the empty route** (chunk by chunk: quartiles ${quartile(0.25)}, ` +
      `${quartile(0.5)}, ${quartile(0.75)}), ${pct(a.app.perSecond / a.postgres.perSecond)} of PostgreSQL; ` +
      `the empty route is ${pct(a.empty.perSecond / a.bare.perSecond)} of bare node:http.`,
    ``,
    `**The whole burst.** ${burst.post.deliveries} more webhooks (new ids) sent at once, 32 in flight: ` +
      `${n0(burst.post.perSecond)}/s, p50 ${ms(burst.post.latency.p50)}, p99 ${ms(burst.post.latency.p99)}; ` +
      `${outcomes(burst.post.outcomes)}${burst.retried ? ` (${burst.retried} sent again)` : ""}. ` +
      `Sending took ${burst.post.seconds.toFixed(1)} s; **every accepted event was applied ` +
      `${seconds(burst.convergence.seconds)} after the first delivery** (${burst.convergence.applied} applied, ` +
      `${burst.convergence.failed} failed, ${burst.convergence.queued} still queued, ` +
      `${burst.convergence.missing} missing).`,
    ``,
    `| phase | CPU: app | postgres | emulator | load gen | others | PG idle in tx: mean / max | running | idle |`,
    `|---|---:|---:|---:|---:|---:|---:|---:|---:|`,
    usageRow("burst being sent", burst.sending),
    usageRow("first webhook until converged", burst.untilConverged),
    ``,
    ...idleQueries(burst.untilConverged),
    `Idle in transaction: connections of the app's database in that state, sampled every 100 ms from ` +
      `pg_stat_activity; "oldest" is the longest a transaction had been open in any sample where it sat idle. ` +
      `A short write transaction shows for a moment between its statements; one held open across a Stripe ` +
      `call would last at least Stripe's answer (see --stripe-latency).`,
    ``,
  ];
}

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
    cpu(usage, "app") + (usage.cpu.worker === undefined ? "" : ` (worker apart: ${cpu(usage, "worker")})`),
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
      `payloads), analyzed; then the same deliveries to the empty route and to the webhook, 32 in flight, ` +
      `in chunks of 250 taken in turns (the worker drained after each chunk of webhooks).`,
    ``,
    `| rows in webhook_log | filled in | empty route/s | webhook/s | webhook / empty | webhook p50 | p99 | ` +
      `last chunk applied in | load average |`,
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
