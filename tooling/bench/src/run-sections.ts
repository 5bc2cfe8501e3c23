// The measurements, in order, on one running stack, then the final verification: issue 18's
// acceptance first, then ingest, portal, settings and scaling, then the queue's bursts.
import type Stripe from "stripe";
import { createBaselineDatabase } from "./ingest/baseline-db.ts";
import { ingestBaseline } from "./ingest/baseline-ingest.ts";
import { verifyIngest } from "./ingest/verify-ingest.ts";
import { ingestThroughApp, type AppTarget } from "./ingest/webhook-ingest.ts";
import { HttpClient } from "./load/http-client.ts";
import { runAcceptanceSection, runQueueSections } from "./queue/run-queue-sections.ts";
import type { BenchOptions } from "./options.ts";
import type { BenchResults } from "./report/results.ts";
import { planDeliveries } from "./seed/build-deliveries.ts";
import { fetchTruth } from "./seed/subscription-truth.ts";
import type { Stack } from "./stack/start-stack.ts";
import { measurePortalOverhead, portalUsersNeeded } from "./web/portal-overhead.ts";
import { measureSettingsPage } from "./web/settings-page.ts";
import { signUpSubscribers, type SignedInUser } from "./web/signed-in-user.ts";

/** The open-loop rate as a share of the closed loop's throughput. */
const STEADY_SHARE = 0.5;

export type SectionContext = {
  options: BenchOptions;
  stack: Stack;
  events: Stripe.Event[];
  customerIds: Set<string>;
  results: BenchResults;
  log: (line: string) => void;
};

export async function runSections({
  options,
  stack,
  events,
  customerIds,
  results,
  log,
}: SectionContext): Promise<void> {
  const target: AppTarget = {
    url: stack.app.url,
    databaseUrl: stack.app.databaseUrl,
    webhookSecret: stack.webhookSecret,
    stripe: stack.stripe,
    cpuGroups: stack.cpuGroups,
    logFile: stack.app.logFile,
  };
  const sentToApp = new Set<string>();
  const sentToBaseline = new Set<string>();
  let truth = await fetchTruth(stack.stripe, customerIds);
  let baselineUrl: string | null = null;
  const baseline = async () => (baselineUrl ??= await createBaselineDatabase(stack.app.databaseUrl));
  const context = { options, stack, events, results, log, sentToApp, baseline };

  await runAcceptanceSection(context);

  if (options.sections.has("ingest")) {
    const plan = planDeliveries(events, { total: options.events, duplicateShare: options.duplicateShare, seed: 42 });
    const planned = `${plan.deliveries.length} deliveries (${plan.unique} unique)`;
    log(`ingest: ${planned} through the app at ${options.concurrency} in flight`);
    const app = await ingestThroughApp(target, plan.deliveries, { concurrency: options.concurrency });
    plan.deliveries.forEach((d) => sentToApp.add(d.id));
    const baselineDb = await baseline();
    log(`ingest: the same deliveries through the pg baseline`);
    const base = await ingestBaseline(baselineDb, plan.deliveries, options.concurrency, truth, stack.cpuGroups);
    plan.deliveries.forEach((d) => sentToBaseline.add(d.id));
    results.ingest = {
      deliveries: plan.deliveries.length,
      unique: plan.unique,
      duplicates: plan.duplicates,
      cloned: plan.cloned,
      app,
      baseline: base,
    };
    const appRate = app.eventsPerSecond.toFixed(1);
    const baselineRate = base.eventsPerSecond.toFixed(1);
    log(`ingest: app ${appRate}/s p99 ${app.latency.p99.toFixed(1)} ms; baseline ${baselineRate}/s`);

    // Latency below saturation: with a fixed number always in flight, latency is that number
    // over the throughput, so the closed loop above cannot show it. Half the rate it sustained.
    const perSecond = Math.max(1, Math.round(app.eventsPerSecond * STEADY_SHARE));
    const steadyPlan = planDeliveries(events, {
      total: options.scaleEvents,
      duplicateShare: options.duplicateShare,
      seed: 7,
      idPrefix: "steady",
      cloneAll: true,
    });
    log(`ingest: ${steadyPlan.deliveries.length} deliveries at a steady ${perSecond}/s through the app`);
    results.steady = { share: STEADY_SHARE, app: await ingestThroughApp(target, steadyPlan.deliveries, { perSecond }) };
    steadyPlan.deliveries.forEach((d) => sentToApp.add(d.id));
    log(`ingest: steady ${perSecond}/s p99 ${results.steady.app.latency.p99.toFixed(1)} ms`);
  }

  const appCpuSeconds = () => stack.cpuGroups.find((group) => group.name === "app")?.read() ?? 0;
  const web = new HttpClient(stack.app.url, 1);
  try {
    if (options.sections.has("portal") || options.sections.has("settings")) {
      // The portal's calls rotate over enough subscribers to stay within the per-user limit.
      const count = options.sections.has("portal") ? portalUsersNeeded(options.samples) : 1;
      log(`signing up ${count} user(s) and subscribing each through Checkout`);
      const users = await signUpSubscribers(web, stack.emulator.url, count);
      const user = users[0] as SignedInUser;
      if (options.sections.has("portal")) {
        const calls = `${options.samples} calls through the app over ${users.length} users`;
        log(`portal: ${calls} and as many straight to the emulator`);
        results.portal = await measurePortalOverhead({
          client: web,
          users,
          stripe: stack.stripeAsApp,
          databaseUrl: stack.app.databaseUrl,
          samples: options.samples,
          appCpuSeconds,
        });
      }
      if (options.sections.has("settings")) {
        log(`settings: ${options.samples} renders of /settings/billing`);
        results.settings = await measureSettingsPage(web, user, options.samples, stack.app.webRoot, appCpuSeconds);
      }
    }
  } finally {
    web.close();
  }

  if (options.sections.has("scaling")) {
    const baselineDb = await baseline();
    for (const level of options.levels) {
      const plan = planDeliveries(events, {
        total: options.scaleEvents,
        duplicateShare: options.duplicateShare,
        seed: level,
        idPrefix: `c${level}`,
        cloneAll: true,
      });
      log(`scaling: ${plan.deliveries.length} deliveries at ${level} in flight, app then baseline`);
      const app = await ingestThroughApp(target, plan.deliveries, { concurrency: level });
      const base = await ingestBaseline(baselineDb, plan.deliveries, level, truth, stack.cpuGroups);
      plan.deliveries.forEach((d) => (sentToApp.add(d.id), sentToBaseline.add(d.id)));
      results.scaling.push({ level, app, baseline: base });
      log(`scaling ${level}: app ${app.eventsPerSecond.toFixed(1)}/s, baseline ${base.eventsPerSecond.toFixed(1)}/s`);
    }
  }

  await runQueueSections(context);

  log("verifying the end state");
  truth = await fetchTruth(stack.stripe, customerIds);
  if (sentToApp.size)
    results.verification.push(await verifyIngest("app database", stack.app.databaseUrl, sentToApp, truth));
  if (baselineUrl && sentToBaseline.size)
    results.verification.push(await verifyIngest("baseline database", baselineUrl, sentToBaseline, truth));
}
