// Issue 18's sections of `pnpm bench`: acceptance (with convergence and idle-in-transaction
// connections), the Stripe-requests mix, the month-start renewal burst and acceptance
// against the size of webhook_log. Each runs only when selected (--only).
import pg from "pg";
import type Stripe from "stripe";
import type { BenchOptions } from "../options.ts";
import type { BenchResults } from "../report/results.ts";
import { planDeliveries } from "../seed/build-deliveries.ts";
import { startBareHttp } from "../stack/start-bare-http.ts";
import type { Stack } from "../stack/start-stack.ts";
import { measureAcceptance } from "./acceptance.ts";
import { measureLogSize } from "./log-size.ts";
import { measureRenewalBurst } from "./renewal-burst.ts";
import { measureStripeMix } from "./stripe-mix.ts";

export type QueueContext = {
  options: BenchOptions;
  stack: Stack;
  events: Stripe.Event[];
  results: BenchResults;
  log: (line: string) => void;
  /** Every event id sent to the app: the final verification checks each was applied once. */
  sentToApp: Set<string>;
  baseline: () => Promise<string>;
};

export async function runAcceptanceSection(context: QueueContext): Promise<void> {
  const { options, stack, events, results, log, sentToApp } = context;
  if (!options.sections.has("acceptance")) return;
  const plan = (seed: number, idPrefix: string) =>
    planDeliveries(events, {
      total: options.events,
      duplicateShare: options.duplicateShare,
      seed,
      idPrefix,
      cloneAll: true,
    }).deliveries;
  const deliveries = plan(100, "accept");
  const burst = plan(101, "acceptburst");
  const warmup = planDeliveries(events, {
    total: Math.min(1_000, options.events),
    duplicateShare: options.duplicateShare,
    seed: 99,
    idPrefix: "warm",
    cloneAll: true,
  }).deliveries;
  const baselineUrl = await context.baseline();
  const bare = await startBareHttp();
  try {
    results.acceptance = await measureAcceptance({
      stack,
      bareUrl: bare.url,
      bareCpu: bare.cpu,
      baselineUrl,
      deliveries,
      burst,
      warmup,
      concurrency: options.concurrency,
      log,
    });
  } finally {
    await bare.stop();
  }
  [...warmup, ...deliveries, ...burst].forEach((d) => sentToApp.add(d.id));
}

export async function runQueueSections(context: QueueContext): Promise<void> {
  const { options, stack, events, results, log, sentToApp } = context;
  const delivered = new Set<string>(events.map((e) => e.id));
  const db = new pg.Pool({ connectionString: stack.app.databaseUrl, max: 4 });
  db.on("error", () => {});
  try {
    if (options.sections.has("mix")) {
      const mix = await measureStripeMix({
        stack,
        db,
        customers: options.mixCustomers,
        concurrency: options.concurrency,
        log,
        delivered,
        sent: sentToApp,
      });
      results.mix = mix;
    }
    if (options.sections.has("burst")) {
      results.burst = await measureRenewalBurst({
        stack,
        db,
        events: options.burstEvents,
        concurrency: options.concurrency,
        log,
        delivered,
        sent: sentToApp,
      });
    }
  } finally {
    await db.end();
  }

  if (options.sections.has("logsize")) {
    const plans = options.logSizes.map(
      (_, step) =>
        planDeliveries(events, {
          total: options.scaleEvents * 2,
          duplicateShare: options.duplicateShare,
          seed: 200 + step,
          idPrefix: `log${step}`,
          cloneAll: true,
        }).deliveries,
    );
    results.logSize = await measureLogSize({
      stack,
      sizes: options.logSizes,
      plan: (step) => plans[step] ?? [],
      concurrency: options.concurrency,
      log,
    });
    plans.flat().forEach((d) => sentToApp.add(d.id));
  }
}
