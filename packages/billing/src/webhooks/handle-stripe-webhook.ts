// The one handler behind POST /api/webhooks/stripe. Verified, idempotent, convergent:
// the event id is logged in the same transaction as the changes it causes, and the
// customer's state is re-read from Stripe rather than taken from the payload.
import type { PrismaClient, Tx } from "@saas/db";
import type Stripe from "stripe";
import { callStripe, isStripeNotFound } from "../errors.ts";
import { TRANSACTION_LIMITS } from "../transaction-limits.ts";
import { syncCustomerSubscriptions } from "../sync/sync-customer-subscriptions.ts";
import { applyDunning } from "./dunning.ts";
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

type WebhookOutcome = "applied" | "duplicate" | "ignored" | "rejected" | "failed";
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

  if (!HANDLED_EVENTS.has(event.type)) {
    try {
      // Acknowledge, or Stripe retries for days and finally disables the endpoint.
      await deps.db.webhookLog.createMany({ data: [logRow(event, "ignored")], skipDuplicates: true });
      return finish(200, "ignored", event);
    } catch (error) {
      // Not logged: 5xx so Stripe retries, as for a handled event.
      return finish(500, "failed", event, reasonOf(error));
    }
  }

  try {
    const applied = await deps.db.$transaction(async (tx) => {
      // Waits on a concurrent delivery of the same event; returns nothing if that one committed.
      const inserted = await tx.$executeRaw`
          INSERT INTO webhook_log (id, type, outcome, stripe_created_at, received_at, processed_at)
          VALUES (${event.id}, ${event.type}, 'applied', ${new Date(event.created * 1000)}, now(), now())
          ON CONFLICT (id) DO NOTHING`;
      if (!inserted) return false;
      await applyEvent(tx, deps.stripe, event);
      return true;
    }, TRANSACTION_LIMITS.withStripeCall);
    return applied ? finish(200, "applied", event) : finish(200, "duplicate", event);
  } catch (error) {
    // Rolled back, log row included: Stripe's retry will process the event again.
    return finish(500, "failed", event, reasonOf(error));
  }
}

/** One line saying why; Prisma's messages start with a blank line and end with the cause. */
function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return (
    error.message
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean)
      .at(-1) ?? error.name
  );
}

function logRow(event: Stripe.Event, outcome: WebhookOutcome) {
  return {
    id: event.id,
    type: event.type,
    outcome,
    stripeCreatedAt: new Date(event.created * 1000),
    processedAt: new Date(),
  };
}

/** The customer an event is about: the only part of the payload we rely on. */
export function customerIdOf(event: Stripe.Event): string | null {
  const object = event.data.object as { object?: string; id?: string; customer?: string | { id: string } | null };
  if (object.object === "customer") return object.id ?? null;
  if (typeof object.customer === "string") return object.customer;
  return object.customer?.id ?? null;
}

/** "unknown": Stripe has never heard of it, so it cannot have been deleted either; nothing to do. */
async function customerState(stripe: Stripe, customerId: string): Promise<"live" | "deleted" | "unknown"> {
  const customer = await callStripe(() => stripe.customers.retrieve(customerId)).catch((error: unknown) => {
    if (isStripeNotFound(error)) return null;
    throw error;
  });
  if (!customer) return "unknown";
  return customer.deleted === true ? "deleted" : "live";
}

async function applyEvent(tx: Tx, stripe: Stripe, event: Stripe.Event): Promise<void> {
  const customerId = customerIdOf(event);
  if (!customerId) return;

  if (event.type === "customer.deleted") return applyCustomerDeleted(tx, stripe, customerId);
  // The sync reads the account once, under the customer's lock; an unmapped customer has no user.
  const synced = await syncCustomerSubscriptions(tx, stripe, customerId);
  if (!synced.userId) return;
  await applyDunning(tx, stripe, event, synced.userId);
}

/** Unmaps the account only when Stripe itself says the customer is deleted. */
async function applyCustomerDeleted(tx: Tx, stripe: Stripe, customerId: string): Promise<void> {
  const account = await tx.account.findUnique({ where: { stripeCustomerId: customerId }, select: { id: true } });
  // A customer we never mapped: acknowledged, nothing to change.
  if (!account) return;
  // The payload only names the customer: whether it is gone is Stripe's to say (it answers
  // a deleted customer with `deleted: true`). Still there: an ordinary sync, nothing unmapped.
  const state = await customerState(stripe, customerId);
  if (state === "unknown") return;
  if (state === "live") {
    await syncCustomerSubscriptions(tx, stripe, customerId);
    return;
  }
  // Stripe cancels a deleted customer's subscriptions: keep its record of them where it
  // still lists them, mark the rest ended, then unmap so the account can start over.
  await syncCustomerSubscriptions(tx, stripe, customerId).catch((error: unknown) => {
    if (!isStripeNotFound(error)) throw error;
  });
  const now = new Date();
  await tx.subscription.updateMany({
    where: { stripeCustomerId: customerId, status: { notIn: ["canceled", "incomplete_expired"] } },
    data: { status: "canceled", canceledAt: now, endedAt: now, syncedAt: now },
  });
  await tx.account.update({ where: { id: account.id }, data: { stripeCustomerId: null } });
}
