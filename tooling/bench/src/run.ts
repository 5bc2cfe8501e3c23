// `pnpm bench`: the production build against real PostgreSQL and the Stripe emulator.
// Webhook ingest against a pg-only baseline, portal session overhead, the settings page,
// and ingest at rising concurrency; then the end state is verified. Exits non-zero only
// when the verification fails: times are reported, never asserted.
import "./stack/pg-utc.ts";
import { execFileSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { parseOptions, SECTIONS } from "./options.ts";
import { formatProfile, summarizeCpuProfile } from "./profile/summarize-cpu-profile.ts";
import { formatReport } from "./report/format-report.ts";
import type { BenchResults } from "./report/results.ts";
import { writeBenchmarksMd } from "./report/write-benchmarks-md.ts";
import { runSections } from "./run-sections.ts";
import { repoRoot } from "./stack/paths.ts";
import { buildWeb } from "./stack/start-app.ts";
import { startStack } from "./stack/start-stack.ts";
import { listHandledEvents } from "./seed/build-deliveries.ts";
import { makeHistory, seedCustomers } from "./seed/seed-customers.ts";

const options = parseOptions(process.argv.slice(2));
const started = performance.now();
const log = (line: string) =>
  console.error(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);
const results: BenchResults = {
  startedAt: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC",
  command: `pnpm bench ${process.argv.slice(2).join(" ")}`.trim(),
  machine: {
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    cpu: os.cpus()[0]?.model.trim() ?? "unknown",
    node: process.version,
    loadAverage: os.loadavg(),
  },
  revision: revision(),
  setup: {
    customers: options.customers,
    handledEvents: 0,
    seconds: 0,
    buildSeconds: null,
    stripeLatencyMs: options.stripeLatencyMs,
    worker: options.worker,
  },
  acceptance: null,
  mix: null,
  burst: null,
  logSize: [],
  ingest: null,
  steady: null,
  portal: null,
  settings: null,
  scaling: [],
  verification: [],
  seconds: 0,
};

if (options.build) {
  log("building the bench's copy of apps/web (tooling/bench/build/web, with the empty route)");
  results.setup.buildSeconds = buildWeb();
}
log("starting the emulator and the production server");
const profileDir = options.profile ? path.resolve(options.profile) : null;
const stack = await startStack({
  cpuProfileDir: profileDir,
  stripeLatencyMs: options.stripeLatencyMs,
  countStripe: ["acceptance", "mix", "burst"].some((s) => options.sections.has(s as never)),
  separateWorker: options.worker === "separate",
});
const stopOnSignal = (signal: NodeJS.Signals) => {
  log(`${signal}: stopping`);
  void stack.stop().finally(() => process.exit(130));
};
process.once("SIGINT", stopOnSignal);
process.once("SIGTERM", stopOnSignal);

let exitCode: number;
try {
  const setupStarted = performance.now();
  log(`app at ${stack.app.url}, emulator at ${stack.emulator.url}; seeding ${options.customers} customers`);
  const db = new pg.Pool({ connectionString: stack.app.databaseUrl, max: 4 });
  db.on("error", () => {}); // an idle connection lost: the next query fails and says why
  const customers = await seedCustomers(stack.stripe, db, options.customers);
  await db.end();
  const wanted = Math.round(options.events * (1 - options.duplicateShare));
  await makeHistory(stack.stripe, customers, wanted);
  const customerIds = new Set(customers.map((c) => c.customerId));
  const events = await listHandledEvents(stack.stripe, customerIds);
  results.setup.handledEvents = events.length;
  results.setup.seconds = (performance.now() - setupStarted) / 1000;
  log(`${events.length} handled events recorded for ${customerIds.size} customers`);

  await runSections({ options, stack, events, customerIds, results, log });
  exitCode = results.verification.every((v) => v.ok) ? 0 : 1;
} catch (error) {
  console.error(error);
  exitCode = 2;
} finally {
  log("stopping");
  await stack.stop();
}

results.seconds = (performance.now() - started) / 1000;
let report = formatReport(results);
const summary = profileDir ? summarizeCpuProfile(profileDir) : null;
if (summary) report += `\n${formatProfile(summary)}`;
console.log(report);
// Only a complete, undisturbed run replaces the figures in BENCHMARKS.md.
const diagnostic =
  options.sections.size < SECTIONS.length ||
  options.stripeLatencyMs > 0 ||
  options.profile !== null ||
  options.worker !== "in-process";
if (options.write && exitCode !== 2 && !diagnostic) {
  const file = path.join(repoRoot, "BENCHMARKS.md");
  writeBenchmarksMd(file, report);
  log(`wrote ${path.relative(process.cwd(), file)}`);
} else if (options.write && diagnostic) {
  log("BENCHMARKS.md left as it is: --only, --stripe-latency, --profile and --worker runs are diagnostics");
}
if (exitCode === 1) log("verification FAILED: see above");
process.exit(exitCode === 2 ? 1 : exitCode);

/** Read-only git: which commit, and whether the working tree differed from it. */
function revision(): BenchResults["revision"] {
  try {
    const git = (...args: string[]) => execFileSync("git", ["-C", repoRoot, ...args], { encoding: "utf8" }).trim();
    return {
      commit: git("rev-parse", "--short", "HEAD"),
      changedFiles: git("status", "--porcelain").split("\n").filter(Boolean).length,
    };
  } catch {
    return { commit: "unknown", changedFiles: 0 };
  }
}
