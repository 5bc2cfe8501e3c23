// The one handler behind POST /api/webhooks/stripe. It accepts: the signature is verified
// over the raw body, then one statement records the event in webhook_log and enqueues its
// customer's sync job (decision 018), and Stripe gets its 2xx. The job does the work,
// reading the customer's state from Stripe rather than taking it from the payload.
import { Prisma, type PrismaClient } from "@saas/db";
import type Stripe from "stripe";
import { errorReason } from "../errors.ts";
import { enqueueCustomerSync } from "../jobs/queue.ts";
import { verifyEvent } from "./verify-event.ts";

export const HANDLED_EVENTS = new Set<string>([
  "checkout.session.completed",
  "customer.subscription.created",
  "customer.subscription.updated",
  "customer.subscription.deleted",
  "customer.subscription.paused",
  "customer.subscription.resumed",
  "customer.subscription.trial_will_end",
  "invoice.paid",
  "invoice.payment_succeeded",
  "invoice.payment_failed",
  "invoice.payment_action_required",
  "customer.updated",
  "customer.deleted",
]);

/** `queued`: recorded and its job enqueued; `applied`: recorded, nothing to do (no customer). */
type WebhookOutcome = "queued" | "applied" | "duplicate" | "ignored" | "rejected" | "failed";
export type WebhookResponse = { status: number; body: { received: boolean; outcome: WebhookOutcome; reason?: string } };
export type WebhookLogLine = {
  event: string | null;
  type: string | null;
  outcome: WebhookOutcome;
  reason?: string;
  ms: number;
};

export type WebhookDeps = {
  db: PrismaClient;
  /** Verifies signatures only: acceptance never calls Stripe. */
  stripe: Stripe;
  /** Accepted signing secrets; more than one while rotating. */
  secrets: string[];
  /** Whether this deployment uses live keys; events of the other mode are refused. */
  livemode: boolean;
  log?: (line: WebhookLogLine) => void;
};

export async function handleStripeWebhook(
  deps: WebhookDeps,
  input: { rawBody: string; signature: string | null },
): Promise<WebhookResponse> {
  const started = performance.now();
  const finish = (
    status: number,
    outcome: WebhookOutcome,
    event: Stripe.Event | null,
    reason?: string,
  ): WebhookResponse => {
    deps.log?.({
      event: event?.id ?? null,
      type: event?.type ?? null,
      outcome,
      ...(reason ? { reason } : {}),
      ms: Math.round(performance.now() - started),
    });
    return { status, body: { received: status < 300, outcome, ...(reason ? { reason } : {}) } };
  };

  const verified = verifyEvent(deps.stripe, { ...input, secrets: deps.secrets, livemode: deps.livemode });
  if (!verified.ok) return finish(400, "rejected", null, verified.reason);
  const { event } = verified;

  const customerId = customerIdOf(event);
  const outcome: WebhookOutcome = !HANDLED_EVENTS.has(event.type) ? "ignored" : customerId ? "queued" : "applied";
  try {
    const inserted = await recordEvent(deps.db, { event, rawBody: input.rawBody, customerId, outcome });
    // Already recorded (a redelivery, or a concurrent one that committed first): nothing new.
    return inserted ? finish(200, outcome, event) : finish(200, "duplicate", event);
  } catch (error) {
    // One statement: nothing was stored, and Stripe's retry will deliver it again.
    return finish(500, "failed", event, errorReason(error));
  }
}

/**
 * One statement, so one implicit transaction: the log row and, for a handled event about a
 * customer, the customer's sync job, or neither. A duplicate id inserts nothing and
 * enqueues nothing; a concurrent delivery of the same id waits on the row and then does
 * the same. Acknowledging ignored types keeps Stripe from retrying them for days.
 */
async function recordEvent(
  db: PrismaClient,
  row: { event: Stripe.Event; rawBody: string; customerId: string | null; outcome: WebhookOutcome },
): Promise<boolean> {
  const { event, rawBody, customerId, outcome } = row;
  const appliedAt = outcome === "queued" ? Prisma.sql`NULL` : Prisma.sql`now() AT TIME ZONE 'UTC'`;
  const [result] = await db.$queryRaw<Array<{ logged: number }>>`
    WITH logged AS (
      INSERT INTO webhook_log
        (id, type, outcome, stripe_customer_id, stripe_created_at, received_at, applied_at, payload)
      VALUES (${event.id}, ${event.type}, ${outcome}, ${customerId}, ${new Date(event.created * 1000)},
        now() AT TIME ZONE 'UTC', ${appliedAt}, ${rawBody}::jsonb)
      ON CONFLICT (id) DO NOTHING
      RETURNING stripe_customer_id, outcome
    ), queued AS (
      SELECT ${enqueueCustomerSync(Prisma.sql`logged.stripe_customer_id`)}
      FROM logged WHERE logged.outcome = 'queued'
    )
    SELECT (SELECT count(*) FROM logged)::int AS logged, (SELECT count(*) FROM queued)::int AS queued`;
  return (result?.logged ?? 0) > 0;
}

/** The customer an event is about: the only part of the payload we rely on. */
export function customerIdOf(event: Stripe.Event): string | null {
  const object = event.data.object as { object?: string; id?: string; customer?: string | { id: string } | null };
  if (object.object === "customer") return object.id ?? null;
  if (typeof object.customer === "string") return object.customer;
  return object.customer?.id ?? null;
}
