// The run as Markdown: printed to stdout and placed in BENCHMARKS.md.
import { kb, ms, pct } from "../load/stats.ts";
import { formatIngest, formatScaling } from "./format-ingest.ts";
import { TARGETS, type BenchResults } from "./results.ts";

const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;
const verdict = (ok: boolean) => (ok ? "met" : "**missed**");

export function formatReport(results: BenchResults): string {
  const m = results.machine;
  return [
    `Run of ${results.startedAt} — \`${results.command}\` — ${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, Node ${m.node}, load average at start ${m.loadAverage.map((l) => l.toFixed(1)).join(" / ")}; ${results.seconds.toFixed(0)} s in all.`,
    `Code: commit ${results.revision.commit}${results.revision.changedFiles ? ` plus ${results.revision.changedFiles} uncommitted files in the working tree` : ""}.`,
    `Setup: ${results.setup.customers} customers with subscriptions, ${results.setup.handledEvents} handled events recorded by the emulator, ${results.setup.seconds.toFixed(0)} s${results.setup.buildSeconds === null ? " (build skipped)" : `; production build ${results.setup.buildSeconds.toFixed(0)} s`}.${results.setup.stripeLatencyMs ? ` **Every Stripe call the app makes is delayed by ${results.setup.stripeLatencyMs} ms** (--stripe-latency).` : ""}`,
    ``,
    ...formatTargets(results),
    ...formatIngest(results),
    ...formatPortal(results),
    ...formatSettings(results),
    ...formatScaling(results),
    ...formatVerification(results),
  ].join("\n");
}

function formatTargets(results: BenchResults): string[] {
  const rows: string[] = [];
  const { ingest, portal, settings } = results;
  if (ingest) {
    const ratio = ingest.app.eventsPerSecond / ingest.baseline.eventsPerSecond;
    rows.push(
      `| webhook ingest vs baseline, ${ingest.app.concurrency} in flight | ≥ ${pct(TARGETS.ingestRatio)} | ${pct(ratio)} | ${verdict(ratio >= TARGETS.ingestRatio)} |`,
    );
    rows.push(
      `| webhook ingest p99, ${ingest.app.concurrency} in flight | ≤ ${TARGETS.ingestP99Ms} ms | ${ms(ingest.app.latency.p99)} | ${verdict(ingest.app.latency.p99 <= TARGETS.ingestP99Ms)} |`,
    );
  }
  if (results.steady) {
    const { app } = results.steady;
    rows.push(
      `| webhook ingest p99 at a steady ${app.perSecond ?? 0}/s (${pct(results.steady.share)} of the above) | ≤ ${TARGETS.steadyP99Ms} ms | ${ms(app.latency.p99)} | ${verdict(app.latency.p99 <= TARGETS.steadyP99Ms)} |`,
    );
  }
  if (portal)
    rows.push(
      `| portal session overhead p50 | ≤ ${TARGETS.portalOverheadP50Ms} ms | ${ms(portal.overheadP50)} | ${verdict(portal.overheadP50 <= TARGETS.portalOverheadP50Ms)} |`,
    );
  if (settings) {
    rows.push(
      `| settings page JavaScript, gzip | ≤ ${kB(TARGETS.settingsGzipBytes)} | ${kB(settings.total.gzip)} | ${verdict(settings.total.gzip <= TARGETS.settingsGzipBytes)} |`,
    );
    rows.push(
      `| settings page server render p50 | ≤ ${TARGETS.settingsRenderP50Ms} ms | ${ms(settings.render.p50)} | ${verdict(settings.render.p50 <= TARGETS.settingsRenderP50Ms)} |`,
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
    `${portal.app.count} sequential calls each, interleaved, over ${portal.users} signed-in subscribers in turn (at most ${portal.callsPerUser} calls each, warm-up included: the per-user limit), each direct call for the same customer.`,
    ``,
    `| call | p50 | p95 | p99 |`,
    `|---|---:|---:|---:|`,
    `| app: POST /api/trpc/billing.createPortalSession | ${ms(portal.app.p50, 2)} | ${ms(portal.app.p95, 2)} | ${ms(portal.app.p99, 2)} |`,
    `| emulator: stripe.billingPortal.sessions.create | ${ms(portal.stripe.p50, 2)} | ${ms(portal.stripe.p95, 2)} | ${ms(portal.stripe.p99, 2)} |`,
    `| **overhead (app − emulator)** | **${ms(portal.overheadP50, 2)}** | | ${ms(portal.overheadP99, 2)} |`,
    ``,
    `The app process spent ${ms(portal.appCpuMs, 2)} of CPU per call (the emulator's work is in its own process).`,
    ``,
  ];
}

function formatSettings(results: BenchResults): string[] {
  const s = results.settings;
  if (!s) return [];
  return [
    `### 3. Settings → Billing page`,
    ``,
    `Server render (GET /settings/billing, signed-in subscriber, ${s.render.count} sequential requests): p50 ${ms(s.render.p50, 2)}, p95 ${ms(s.render.p95, 2)}, p99 ${ms(s.render.p99, 2)}; the app process spent ${ms(s.appCpuMs, 2)} of CPU per render; HTML ${kb(s.htmlBytes)}.`,
    ``,
    `| JavaScript loaded at first visit | raw | gzip |`,
    `|---|---:|---:|`,
    ...s.chunks.map((chunk) => `| ${chunk.file} | ${kB(chunk.raw)} | ${kB(chunk.gzip)} |`),
    `| **total, ${s.chunks.length} files** | **${kB(s.total.raw)}** | **${kB(s.total.gzip)}** (${kb(s.total.gzip)}) |`,
    `| inline scripts in the HTML (loader data, bootstrap) | ${kB(s.inline.raw)} | ${kB(s.inline.gzip)} |`,
    ``,
    `gzip at zlib's default level, as Vite's build report; kB = 1000 bytes. Served by the app for \`Accept-Encoding: gzip, deflate, br\`: ${kB(s.served.bytes)} with content-encoding ${s.served.encodings.join(", ")}.`,
    ``,
  ];
}

function formatVerification(results: BenchResults): string[] {
  return [
    `### Verification`,
    ``,
    ...results.verification.map((v) => {
      const head = `- ${v.ok ? "OK" : "**FAILED**"} ${v.label}: ${v.loggedOnce}/${v.expectedEvents} unique events logged exactly once; ${v.subscriptions} subscriptions compared with the emulator, ${v.mismatches.length} differ.`;
      return [head, ...v.mismatches.slice(0, 5).map((line) => `  - ${line}`)].join("\n");
    }),
    ``,
  ];
}
