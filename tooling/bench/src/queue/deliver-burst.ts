// One burst of Stripe's own events, delivered to the webhook route as Stripe would right
// after the activity that made them, then followed until the worker has applied them all:
// what was answered, what Stripe was asked meanwhile (counted by the bench's proxy in front
// of the emulator, so SDK retries and 429s count too) and what the jobs say they did.
import { readFileSync, statSync } from "node:fs";
import type Stripe from "stripe";
import { startMonitor, type PhaseUsage } from "../load/phase-monitor.ts";
import type { Delivery } from "../seed/build-deliveries.ts";
import type { Stack } from "../stack/start-stack.ts";
import { countsSince, type StripeCounts } from "../stack/stripe-proxy.ts";
import { waitForConvergence, type Convergence } from "./converge.ts";
import { postDeliveries, retryRefused, type PostResult } from "./post-deliveries.ts";

export type BurstResult = {
  post: PostResult;
  /** 5xx answers on the first try (Stripe would retry those). */
  serverErrors: number;
  retried: number;
  stillRefused: number;
  convergence: Convergence;
  /** The app's Stripe requests from the first delivery until convergence. */
  stripe: StripeCounts;
  /** From the app's job log lines over the same time. */
  jobs: { runs: number; failedRuns: number; stripeRequests: number; applied: number };
  usage: PhaseUsage;
};

export function toDeliveries(events: readonly Stripe.Event[], customerOf: (e: Stripe.Event) => string): Delivery[] {
  return events.map((event) => ({
    id: event.id,
    customerId: customerOf(event),
    type: event.type,
    payload: JSON.stringify(event),
  }));
}

export async function deliverBurst(stack: Stack, deliveries: Delivery[], concurrency: number): Promise<BurstResult> {
  if (!stack.stripeProxy) throw new Error("the stack was started without the Stripe proxy that counts requests");
  const endpoint = {
    kind: "webhook",
    baseUrl: stack.app.url,
    stripe: stack.stripe,
    secret: stack.webhookSecret,
  } as const;
  const logOffset = statSync(stack.app.logFile).size;
  const stripeBefore = stack.stripeProxy.counts();
  const monitor = await startMonitor(stack.app.databaseUrl, stack.cpuGroups);
  const started = performance.now();
  const post = await postDeliveries(endpoint, deliveries, concurrency);
  const { retried, stillRefused } = await retryRefused(endpoint, deliveries, post.answers);
  const convergence = await waitForConvergence(
    stack.app.databaseUrl,
    deliveries.map((d) => d.id),
    started,
  );
  const usage = await monitor.stop();
  // The last job's log line is written just after its commit.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const stripe = countsSince(stripeBefore, stack.stripeProxy.counts());
  const { answers, ...rest } = post;
  return {
    post: rest,
    serverErrors: answers.filter((a) => /^http-5/.test(a)).length,
    retried,
    stillRefused,
    convergence,
    stripe,
    jobs: jobLines(stack.app.logFile, logOffset),
    usage,
  };
}

function jobLines(logFile: string, offset: number): BurstResult["jobs"] {
  const jobs = { runs: 0, failedRuns: 0, stripeRequests: 0, applied: 0 };
  const text = readFileSync(logFile, "utf8").slice(offset);
  for (const line of text.split("\n")) {
    if (!line.includes('"msg":"job"') || !line.includes("billing.sync-customer")) continue;
    try {
      const entry = JSON.parse(line) as { ok?: boolean; stripeRequests?: number; applied?: number };
      jobs.runs++;
      if (entry.ok === false) jobs.failedRuns++;
      jobs.stripeRequests += entry.stripeRequests ?? 0;
      jobs.applied += entry.applied ?? 0;
    } catch {
      // not one of the app's JSON lines
    }
  }
  return jobs;
}
