// Webhook ingest through the app: signed deliveries POSTed to /api/webhooks/stripe by a
// closed-loop client at a fixed concurrency. Every answer's outcome is counted; failed
// deliveries are retried afterwards (bounded), as Stripe would, so the end state can be
// checked.
import { readFileSync } from "node:fs";
import type Stripe from "stripe";
import { HttpClient } from "../load/http-client.ts";
import { startMonitor } from "../load/phase-monitor.ts";
import { runAtRate } from "../load/run-at-rate.ts";
import { runPool } from "../load/run-pool.ts";
import { summarize } from "../load/stats.ts";
import type { CpuGroup } from "../stack/process-cpu.ts";
import type { Delivery } from "../seed/build-deliveries.ts";
import { tally, type IngestResult } from "./ingest-result.ts";

export type AppTarget = {
  url: string;
  databaseUrl: string;
  webhookSecret: string;
  stripe: Stripe;
  cpuGroups: CpuGroup[];
  logFile: string;
};

type Answer = { outcome: string; ms: number };

async function deliver(client: HttpClient, target: AppTarget, delivery: Delivery): Promise<Answer> {
  // Signed at send time, as Stripe does, so a long phase never trips the 300 s tolerance.
  const signature = target.stripe.webhooks.generateTestHeaderString({
    payload: delivery.payload,
    secret: target.webhookSecret,
  });
  try {
    const response = await client.request("POST", "/api/webhooks/stripe", {
      body: delivery.payload,
      headers: { "content-type": "application/json", "stripe-signature": signature },
    });
    const outcome = response.status === 200 ? parseOutcome(response.body) : `http-${response.status}`;
    return { outcome, ms: response.ms };
  } catch (error) {
    return { outcome: `error:${error instanceof Error ? error.message.slice(0, 60) : String(error)}`, ms: Number.NaN };
  }
}

/** The handler's `ms` for these deliveries, from the JSON lines the app logs per webhook. */
function handlerTimes(logFile: string, ids: ReadonlySet<string>): number[] {
  const times: number[] = [];
  for (const line of readFileSync(logFile, "utf8").split("\n")) {
    if (!line.includes('"stripe webhook"')) continue;
    try {
      const entry = JSON.parse(line) as { event?: unknown; ms?: unknown };
      if (typeof entry.event === "string" && ids.has(entry.event) && typeof entry.ms === "number") times.push(entry.ms);
    } catch {
      // not one of the app's JSON lines
    }
  }
  return times;
}

function parseOutcome(body: string): string {
  try {
    const parsed = JSON.parse(body) as { outcome?: unknown };
    return typeof parsed.outcome === "string" ? parsed.outcome : "unknown";
  } catch {
    return "unparseable";
  }
}

/** Closed loop (a fixed number in flight) or open loop (a fixed arrival rate). */
export type Load = { concurrency: number } | { perSecond: number };

/** Sockets for the open loop: enough that the client never holds a due request back. */
const OPEN_LOOP_SOCKETS = 256;

export async function ingestThroughApp(
  target: AppTarget,
  deliveries: readonly Delivery[],
  load: Load,
): Promise<IngestResult> {
  const client = new HttpClient(target.url, "concurrency" in load ? load.concurrency : OPEN_LOOP_SOCKETS);
  try {
    const monitor = await startMonitor(target.databaseUrl, target.cpuGroups);
    const send = (delivery: Delivery) => deliver(client, target, delivery);
    let answers: Answer[];
    let seconds: number;
    let concurrency: number;
    if ("concurrency" in load) {
      ({ results: answers, seconds } = await runPool(deliveries, load.concurrency, send));
      concurrency = load.concurrency;
    } else {
      const run = await runAtRate(deliveries, load.perSecond, send);
      // Timed from when each delivery was due, a failed one too (until it failed): a stalled
      // server must not drop out of the percentiles it caused.
      answers = run.results.map(({ value, ms }) => ({ outcome: value.outcome, ms }));
      seconds = run.seconds;
      concurrency = run.maxInFlight;
    }
    const usage = await monitor.stop();
    const ok = new Set(["queued", "applied", "duplicate", "ignored"]);
    let pending = deliveries.filter((_, index) => !ok.has(answers[index]?.outcome ?? ""));
    const retried = pending.length;
    for (let attempt = 0; attempt < 3 && pending.length; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 500 * (attempt + 1)));
      const again = await runPool(pending, 4, send);
      pending = pending.filter((_, index) => !ok.has(again.results[index]?.outcome ?? ""));
    }
    return {
      concurrency,
      ...("perSecond" in load ? { perSecond: load.perSecond } : {}),
      deliveries: deliveries.length,
      seconds,
      eventsPerSecond: deliveries.length / seconds,
      latency: summarize(answers.map((r) => r.ms).filter(Number.isFinite)),
      handler: ((times) => (times.length ? summarize(times) : null))(
        handlerTimes(target.logFile, new Set(deliveries.map((d) => d.id))),
      ),
      outcomes: tally(answers.map((r) => r.outcome)),
      retried,
      usage,
    };
  } finally {
    client.close();
  }
}
