// The app's side of the reliability runs: the real handler behind a local HTTP endpoint,
// registered with the emulator like a production endpoint, recording each outcome line; and,
// when asked, job workers running the queue meanwhile, as the app's processes would.
import type { PrismaClient } from "@saas/db";
import { run, type Runner } from "graphile-worker";
import type Stripe from "stripe";
import { billingTasks, type JobLogLine } from "../../src/jobs/tasks.ts";
import { SILENT_QUEUE_LOGGER } from "../../src/testing.ts";
import type { WebhookLogLine } from "../../src/webhooks/handle-stripe-webhook.ts";
import { startWebhookEndpoint, type WebhookEndpoint } from "../../src/webhooks/webhook-testing.ts";

type TimedLine = WebhookLogLine & { at: number };
export type Receiver = { endpoint: WebhookEndpoint; endpointId: string; lines: TimedLine[] };

/**
 * `handlerStripe` is what the handler re-fetches the truth with; `admin` registers the
 * endpoint, whose signing secret is only known once Stripe answers.
 */
export async function startReceiver(options: {
  db: PrismaClient;
  handlerStripe: Stripe;
  admin: Stripe;
  enabledEvents: Stripe.WebhookEndpointCreateParams.EnabledEvent[];
}): Promise<Receiver> {
  const lines: TimedLine[] = [];
  const secrets: string[] = [];
  const endpoint = await startWebhookEndpoint({
    db: options.db,
    stripe: options.handlerStripe,
    secrets,
    livemode: false,
    log: (line) => lines.push({ ...line, at: Date.now() }),
  });
  const registered = await options.admin.webhookEndpoints.create({
    url: endpoint.url,
    enabled_events: options.enabledEvents,
  });
  secrets.push(registered.secret ?? "");
  return { endpoint, endpointId: registered.id, lines };
}

export type Workers = { lines: JobLogLine[]; stop(): Promise<void> };

/** `count` worker runners on the database, each running `concurrency` jobs at a time. */
export async function startWorkers(options: {
  databaseUrl: string;
  db: PrismaClient;
  stripe: Stripe;
  count: number;
  concurrency: number;
}): Promise<Workers> {
  const lines: JobLogLine[] = [];
  const tasks = billingTasks({ db: options.db, stripe: options.stripe }, (line) => lines.push(line));
  const runners: Runner[] = [];
  for (let i = 0; i < options.count; i++) {
    runners.push(
      await run({
        connectionString: options.databaseUrl,
        concurrency: options.concurrency,
        noHandleSignals: true,
        pollInterval: 500,
        taskList: tasks,
        logger: SILENT_QUEUE_LOGGER,
      }),
    );
  }
  return { lines, stop: async () => void (await Promise.all(runners.map((runner) => runner.stop()))) };
}

/** Waits until no handled event is left queued (the jobs that apply them have all run). */
export async function untilQueueSettled(db: PrismaClient, timeoutMs = 120_000): Promise<void> {
  for (const started = Date.now(); ;) {
    if ((await db.webhookLog.count({ where: { outcome: "queued" } })) === 0) return;
    if (Date.now() - started > timeoutMs) throw new Error(`events still queued after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Polls until `condition` holds; the message says what never happened. */
export async function until(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  for (const started = Date.now(); !condition();) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
