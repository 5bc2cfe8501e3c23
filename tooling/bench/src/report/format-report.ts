// The run as Markdown: printed to stdout and placed in BENCHMARKS.md.
import { kb, ms, pct, type Latency } from "../load/stats.ts";
import { formatIngest, formatScaling } from "./format-ingest.ts";
import { formatAcceptance, formatBurst, formatLogSize, formatMix, queueTargets } from "./format-queue.ts";
import { tableRow } from "./markdown.ts";
import { TARGETS, type BenchResults } from "./results.ts";

const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;
const verdict = (ok: boolean) => (ok ? "met" : "**missed**");
/** A latency's p50, p95 and p99 as a table row, to two decimals. */
const percentiles = (name: string, latency: Latency) =>
  tableRow(name, ms(latency.p50, 2), ms(latency.p95, 2), ms(latency.p99, 2));

export function formatReport(results: BenchResults): string {
  return [
    ...formatHeader(results),
    ``,
    ...formatTargets(results),
    ...formatAcceptance(results),
    ...formatIngest(results),
    ...formatPortal(results),
    ...formatSettings(results),
    ...formatScaling(results),
    ...formatMix(results),
    ...formatBurst(results),
    ...formatLogSize(results),
    ...formatVerification(results),
  ].join("\n");
}

function formatHeader(results: BenchResults): string[] {
  const { machine: m, revision, setup } = results;
  const loadAverage = m.loadAverage.map((l) => l.toFixed(1)).join(" / ");
  const uncommitted = revision.changedFiles
    ? ` plus ${revision.changedFiles} uncommitted files in the working tree`
    : "";
  const build =
    setup.buildSeconds === null ? " (build skipped)" : `; production build ${setup.buildSeconds.toFixed(0)} s`;
  const stripeLatency = setup.stripeLatencyMs
    ? ` **Every Stripe call the app makes is delayed by ${setup.stripeLatencyMs} ms** (--stripe-latency).`
    : "";
  return [
    `Run of ${results.startedAt} — \`${results.command}\` — ${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, ` +
      `Node ${m.node}, load average at start ${loadAverage}; ${results.seconds.toFixed(0)} s in all.`,
    `Code: commit ${revision.commit}${uncommitted}.`,
    `Setup: ${setup.customers} customers with subscriptions, ` +
      `${setup.handledEvents} handled events recorded by the emulator, ` +
      `${setup.seconds.toFixed(0)} s${build}.${stripeLatency}` +
      (setup.worker === "separate"
        ? ` **The job worker ran in a process of its own** (--worker separate; the app with WORKER_IN_PROCESS=false).`
        : ""),
  ];
}

function formatTargets(results: BenchResults): string[] {
  const rows: string[] = [];
  const target = (name: string, goal: string, measured: string, ok: boolean) =>
    tableRow(name, goal, measured, verdict(ok));
  // The ingest section's closed loop is reported, not judged: its baseline is the transaction
  // shape before decision 018, and acceptance (above) replaced that target.
  const { portal, settings } = results;
  rows.push(...queueTargets(results).map((cells) => tableRow(...cells)));
  if (results.steady) {
    const { app } = results.steady;
    rows.push(
      target(
        `webhook ingest p99 at a steady ${app.perSecond ?? 0}/s (${pct(results.steady.share)} of the above)`,
        `≤ ${TARGETS.steadyP99Ms} ms`,
        ms(app.latency.p99),
        app.latency.p99 <= TARGETS.steadyP99Ms,
      ),
    );
  }
  if (portal)
    rows.push(
      target(
        `portal session overhead p50`,
        `≤ ${TARGETS.portalOverheadP50Ms} ms`,
        ms(portal.overheadP50),
        portal.overheadP50 <= TARGETS.portalOverheadP50Ms,
      ),
    );
  if (settings) {
    rows.push(
      target(
        `settings page JavaScript, gzip`,
        `≤ ${kB(TARGETS.settingsGzipBytes)}`,
        kB(settings.total.gzip),
        settings.total.gzip <= TARGETS.settingsGzipBytes,
      ),
    );
    rows.push(
      target(
        `settings page server render p50`,
        `≤ ${TARGETS.settingsRenderP50Ms} ms`,
        ms(settings.render.p50),
        settings.render.p50 <= TARGETS.settingsRenderP50Ms,
      ),
    );
  }
  if (!rows.length) return [];
  return [`| target | goal | this run | |`, `|---|---:|---:|---|`, ...rows, ``];
}

function formatPortal(results: BenchResults): string[] {
  const portal = results.portal;
  if (!portal) return [];
  return [
    `### 2. Portal session overhead`,
    ``,
    `${portal.app.count} sequential calls each, interleaved, over ${portal.users} signed-in subscribers in turn ` +
      `(at most ${portal.callsPerUser} calls each, warm-up included: the per-user limit), ` +
      `each direct call for the same customer.`,
    ``,
    `| call | p50 | p95 | p99 |`,
    `|---|---:|---:|---:|`,
    percentiles("app: POST /api/trpc/billing.createPortalSession", portal.app),
    percentiles("emulator: stripe.billingPortal.sessions.create", portal.stripe),
    `| **overhead (app − emulator)** | **${ms(portal.overheadP50, 2)}** | | ${ms(portal.overheadP99, 2)} |`,
    ``,
    `The app process spent ${ms(portal.appCpuMs, 2)} of CPU per call (the emulator's work is in its own process).`,
    ``,
  ];
}

function formatSettings(results: BenchResults): string[] {
  const s = results.settings;
  if (!s) return [];
  const { render } = s;
  return [
    `### 3. Settings → Billing page`,
    ``,
    `Server render (GET /settings/billing, signed-in subscriber, ${render.count} sequential requests): ` +
      `p50 ${ms(render.p50, 2)}, p95 ${ms(render.p95, 2)}, p99 ${ms(render.p99, 2)}; ` +
      `the app process spent ${ms(s.appCpuMs, 2)} of CPU per render; HTML ${kb(s.htmlBytes)}.`,
    ``,
    `| JavaScript loaded at first visit | raw | gzip |`,
    `|---|---:|---:|`,
    ...s.chunks.map((chunk) => `| ${chunk.file} | ${kB(chunk.raw)} | ${kB(chunk.gzip)} |`),
    `| **total, ${s.chunks.length} files** | **${kB(s.total.raw)}** | **${kB(s.total.gzip)}** (${kb(s.total.gzip)}) |`,
    `| inline scripts in the HTML (loader data, bootstrap) | ${kB(s.inline.raw)} | ${kB(s.inline.gzip)} |`,
    ``,
    `gzip at zlib's default level, as Vite's build report; kB = 1000 bytes. ` +
      `Served by the app for \`Accept-Encoding: gzip, deflate, br\`: ` +
      `${kB(s.served.bytes)} with content-encoding ${s.served.encodings.join(", ")}.`,
    ``,
  ];
}

function formatVerification(results: BenchResults): string[] {
  return [
    `### Verification`,
    ``,
    ...results.verification.map((v) => {
      const status = v.ok ? "OK" : "**FAILED**";
      const head =
        `- ${status} ${v.label}: ${v.loggedOnce}/${v.expectedEvents} unique events logged exactly once; ` +
        `${v.subscriptions} subscriptions compared with the emulator, ${v.mismatches.length} differ.`;
      return [head, ...v.mismatches.slice(0, 5).map((line) => `  - ${line}`)].join("\n");
    }),
    ``,
  ];
}
