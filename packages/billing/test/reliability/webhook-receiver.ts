// The app's side of the reliability runs: the real handler behind a local HTTP endpoint,
// registered with the emulator like a production endpoint, recording each outcome line.
import type { PrismaClient } from "@saas/db";
import type Stripe from "stripe";
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

/** Polls until `condition` holds; the message says what never happened. */
export async function until(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  for (const started = Date.now(); !condition();) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
