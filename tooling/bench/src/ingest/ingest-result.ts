// One ingest measurement, through the app or the baseline.
import type { PhaseUsage } from "../load/phase-monitor.ts";
import type { Latency } from "../load/stats.ts";

export type IngestResult = {
  /** In flight: the fixed level of a closed loop, the most there were in an open one. */
  concurrency: number;
  /** The arrival rate of an open-loop run. */
  perSecond?: number;
  deliveries: number;
  seconds: number;
  eventsPerSecond: number;
  latency: Latency;
  /** The handler's own time per delivery, from the app's log line (`ms`): the part spent inside the app's handler. */
  handler: Latency | null;
  /** queued / applied / duplicate / ignored / failed / http-<status> as answered on the first try. */
  outcomes: Record<string, number>;
  /** Deliveries that failed and were sent again afterwards, as Stripe would retry them. */
  retried: number;
  usage: PhaseUsage;
};

export function tally(outcomes: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) counts[outcome] = (counts[outcome] ?? 0) + 1;
  return counts;
}
