// Everything one run measured, as the report reads it.
import type { IngestResult } from "../ingest/ingest-result.ts";
import type { Verification } from "../ingest/verify-ingest.ts";
import type { AcceptanceResult } from "../queue/acceptance.ts";
import type { LogSizeStep } from "../queue/log-size.ts";
import type { RenewalBurstResult } from "../queue/renewal-burst.ts";
import type { MixResult } from "../queue/stripe-mix.ts";
import type { PortalResult } from "../web/portal-overhead.ts";
import type { SettingsResult } from "../web/settings-page.ts";

type Machine = { cores: number; memoryGiB: number; cpu: string; node: string; loadAverage: number[] };

/** The code measured: HEAD, and how many files differed from it (others edit the tree while it runs). */
type Revision = { commit: string; changedFiles: number };

export type BenchResults = {
  startedAt: string;
  command: string;
  machine: Machine;
  revision: Revision;
  setup: {
    customers: number;
    handledEvents: number;
    seconds: number;
    buildSeconds: number | null;
    stripeLatencyMs: number;
    /** Where the job worker ran: in the app's process (as `pnpm start`) or in one of its own. */
    worker: "in-process" | "separate";
  };
  /** Issue 18's acceptance: bare node:http, empty Remix route, PostgreSQL, webhook; then one burst. */
  acceptance: AcceptanceResult | null;
  mix: MixResult | null;
  burst: RenewalBurstResult | null;
  logSize: LogSizeStep[];
  ingest: {
    deliveries: number;
    unique: number;
    duplicates: number;
    cloned: number;
    app: IngestResult;
    baseline: IngestResult;
  } | null;
  /** Ingest at a fixed arrival rate, `share` of the closed loop's events/s. */
  steady: { share: number; app: IngestResult } | null;
  portal: PortalResult | null;
  settings: SettingsResult | null;
  scaling: Array<{ level: number; app: IngestResult; baseline: IngestResult }>;
  verification: Verification[];
  seconds: number;
};

export const TARGETS = {
  /** Issue 18: the webhook's acceptance against an empty Remix route on the same server, 32 in flight. */
  acceptanceVsEmptyRoute: 0.75,
  acceptanceP99Ms: 50,
  stripeRequestsPerEvent: 0.3,
  ingestRatio: 0.6,
  ingestP99Ms: 50,
  /** The same bound, judged below saturation (open loop): see BENCHMARKS.md on why. */
  steadyP99Ms: 50,
  portalOverheadP50Ms: 3,
  /** kB as Vite's build report counts them (1000 bytes). */
  settingsGzipBytes: 100_000,
  settingsRenderP50Ms: 10,
};
