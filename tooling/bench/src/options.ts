// Command-line options of `pnpm bench`.
import { parseArgs } from "node:util";

export const SECTIONS = ["acceptance", "ingest", "portal", "settings", "scaling", "mix", "burst", "logsize"] as const;
type Section = (typeof SECTIONS)[number];

export type BenchOptions = {
  events: number;
  concurrency: number;
  customers: number;
  duplicateShare: number;
  scaleEvents: number;
  levels: number[];
  samples: number;
  /** Customers of the Stripe-requests mix (checkouts, plan changes, renewals). */
  mixCustomers: number;
  /** Handled events in the month-start renewal burst. */
  burstEvents: number;
  /** webhook_log sizes the acceptance cost is measured at. */
  logSizes: number[];
  sections: Set<Section>;
  build: boolean;
  /** Folder for a CPU profile of the server (node --cpu-prof), summarised at the end. */
  profile: string | null;
  /** Added to every Stripe call the app makes (a delaying proxy), to see the app under Stripe's real latency. */
  stripeLatencyMs: number;
  /** Where the job worker runs: in the app's process (as `pnpm start`), or in one of its own (`pnpm worker`). */
  worker: "in-process" | "separate";
  /** Whether to update BENCHMARKS.md. */
  write: boolean;
};

const USAGE = `Usage: pnpm bench [--events 5000] [--concurrency 32] [--customers 500] [--duplicates 0.2]
                  [--scale-events 1000] [--levels 1,8,32,64] [--samples 300]
                  [--mix-customers 100] [--burst-events 2000] [--log-sizes 10000,1000000]
                  [--only acceptance,ingest,portal,settings,scaling,mix,burst,logsize] [--stripe-latency MS]
                  [--worker in-process|separate] [--skip-build] [--profile DIR] [--no-write]`;

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    // `pnpm --filter @saas/bench bench -- --events 1000` hands the "--" on.
    args: argv.filter((arg) => arg !== "--"),
    options: {
      events: { type: "string", default: "5000" },
      concurrency: { type: "string", default: "32" },
      customers: { type: "string", default: "500" },
      duplicates: { type: "string", default: "0.2" },
      "scale-events": { type: "string", default: "1000" },
      levels: { type: "string", default: "1,8,32,64" },
      samples: { type: "string", default: "300" },
      "mix-customers": { type: "string", default: "100" },
      "burst-events": { type: "string", default: "2000" },
      "log-sizes": { type: "string", default: "10000,1000000" },
      only: { type: "string" },
      "skip-build": { type: "boolean", default: false },
      profile: { type: "string" },
      "stripe-latency": { type: "string", default: "0" },
      worker: { type: "string", default: "in-process" },
      "no-write": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const int = (name: string, value: string, max: number) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max)
      throw new Error(`--${name} must be a whole number from 1 to ${max} (got ${value})\n${USAGE}`);
    return n;
  };
  const duplicateShare = Number(values.duplicates);
  if (!(duplicateShare >= 0 && duplicateShare < 0.5))
    throw new Error(`--duplicates must be from 0 to 0.5 (got ${values.duplicates})`);
  const sections = new Set((values.only ?? SECTIONS.join(",")).split(",").map((s) => s.trim()));
  for (const section of sections)
    if (!SECTIONS.includes(section as Section)) throw new Error(`--only: unknown section ${section}\n${USAGE}`);
  if (values.worker !== "in-process" && values.worker !== "separate")
    throw new Error(`--worker must be in-process or separate (got ${values.worker})\n${USAGE}`);
  return {
    worker: values.worker,
    // Bounded, so no option turns the bench into an unbounded load test.
    events: int("events", values.events, 100_000),
    concurrency: int("concurrency", values.concurrency, 256),
    customers: int("customers", values.customers, 5_000),
    duplicateShare,
    scaleEvents: int("scale-events", values["scale-events"], 50_000),
    levels: values.levels.split(",").map((level) => int("levels", level, 256)),
    samples: int("samples", values.samples, 10_000),
    mixCustomers: int("mix-customers", values["mix-customers"], 2_000),
    burstEvents: int("burst-events", values["burst-events"], 20_000),
    logSizes: values["log-sizes"].split(",").map((size) => int("log-sizes", size, 5_000_000)),
    sections: sections as Set<Section>,
    build: !values["skip-build"],
    profile: values.profile ?? null,
    stripeLatencyMs: values["stripe-latency"] === "0" ? 0 : int("stripe-latency", values["stripe-latency"], 5_000),
    write: !values["no-write"],
  };
}
