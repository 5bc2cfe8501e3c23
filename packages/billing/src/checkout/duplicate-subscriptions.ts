// One subscription per organization, checked where it can still be broken: two Checkouts
// opened at the same instant (before either expired the other) can both be paid. The sync
// that brings the second one in sees two live subscriptions and queues a job, in its own
// transaction, that cancels the newer at once with its unused time credited (prorated, on
// an invoice made now), and tells the organization's owners and admins why.
import type { PrismaClient, Tx } from "@saas/db";
import type Stripe from "stripe";
import { findCatalogProduct } from "../catalog/catalog.ts";
import { callStripe } from "../errors.ts";
import { NOTIFICATION_KINDS, notifyManagers } from "../notifications/notifications.ts";
import { readCustomerSubscriptions } from "../sync/sync-customer-subscriptions.ts";

export const DUPLICATE_SUBSCRIPTION_TASK = "billing.cancel-duplicate-subscription";

/** Statuses in which a subscription is the organization's plan (an `incomplete` one is not yet). */
const LIVE: readonly Stripe.Subscription.Status[] = ["active", "trialing", "past_due", "unpaid", "paused"];

/**
 * The live subscriptions beyond the first one made: the first stays, these are canceled.
 * Made in the same second, the one the app knew already stays (`known`), then the lower id.
 */
function duplicateSubscriptions(
  subscriptions: readonly Stripe.Subscription[],
  known: ReadonlySet<string> = new Set(),
): Stripe.Subscription[] {
  const rank = (subscription: Stripe.Subscription) => (known.has(subscription.id) ? 0 : 1);
  // Only the app's plans: a subscription made otherwise (an add-on in the dashboard) is not one.
  const live = subscriptions
    .filter((subscription) => LIVE.includes(subscription.status) && isCatalogPlan(subscription))
    .sort((a, b) => a.created - b.created || rank(a) - rank(b) || a.id.localeCompare(b.id));
  return live.slice(1);
}

function isCatalogPlan(subscription: Stripe.Subscription): boolean {
  return subscription.items.data.some((item) => findCatalogProduct(item.price.lookup_key) !== null);
}

/**
 * In the sync's transaction: one cancel job per duplicate, keyed by the subscription.
 * `known` are the subscriptions the app had stored before this sync.
 */
export async function queueDuplicateCancels(
  tx: Tx,
  subscriptions: readonly Stripe.Subscription[],
  known: ReadonlySet<string>,
): Promise<void> {
  for (const duplicate of duplicateSubscriptions(subscriptions, known)) {
    await tx.$executeRaw`SELECT graphile_worker.add_job(
      ${DUPLICATE_SUBSCRIPTION_TASK},
      json_build_object('subscriptionId', ${duplicate.id}::text),
      job_key => 'duplicate:' || ${duplicate.id}::text,
      max_attempts => 12,
      job_key_mode => 'preserve_run_at'
    )`;
  }
}

export function parseDuplicatePayload(payload: unknown): { subscriptionId: string } {
  const subscriptionId = (payload as { subscriptionId?: unknown } | null)?.subscriptionId;
  if (typeof subscriptionId !== "string" || !subscriptionId)
    throw new Error(`not a duplicate subscription payload: ${JSON.stringify(payload)}`);
  return { subscriptionId };
}

/**
 * Cancels the subscription if it is still a duplicate (read afresh from Stripe, with no
 * transaction open), then writes the owners' and admins' alert. Safe to run again: a
 * subscription already canceled is no duplicate, and the alert has a dedupe key.
 */
export async function cancelDuplicateSubscription(
  { db, stripe }: { db: PrismaClient; stripe: Stripe },
  subscriptionId: string,
): Promise<{ canceled: boolean }> {
  const subscription = await callStripe(() => stripe.subscriptions.retrieve(subscriptionId));
  const customer = typeof subscription.customer === "string" ? subscription.customer : subscription.customer.id;
  const { subscriptions: all } = await readCustomerSubscriptions(stripe, customer, new Date());
  const stored = await db.subscription.findMany({
    where: { stripeCustomerId: customer },
    select: { stripeSubscriptionId: true, createdAt: true },
  });
  // As the sync decided: the subscriptions stored before this one were the app's already.
  const own = stored.find((row) => row.stripeSubscriptionId === subscriptionId)?.createdAt;
  const known = new Set(
    stored.filter((row) => own === undefined || row.createdAt < own).map((row) => row.stripeSubscriptionId),
  );
  if (!duplicateSubscriptions(all, known).some((duplicate) => duplicate.id === subscriptionId)) {
    return { canceled: false };
  }
  await callStripe(() =>
    stripe.subscriptions.cancel(
      subscriptionId,
      { prorate: true, invoice_now: true },
      { idempotencyKey: `duplicate-cancel:${subscriptionId}` },
    ),
  );
  const account = await db.account.findUnique({
    where: { stripeCustomerId: customer },
    select: { organizationId: true },
  });
  if (account) await alertManagers(db, account.organizationId, subscription);
  return { canceled: true };
}

async function alertManagers(db: PrismaClient, organizationId: string, subscription: Stripe.Subscription) {
  const plan = findCatalogProduct(subscription.items.data[0]?.price.lookup_key)?.name ?? "the plan";
  await notifyManagers(db, organizationId, {
    kind: NOTIFICATION_KINDS.duplicateSubscription,
    title: "A second subscription was canceled",
    body:
      `Two checkouts were completed at the same time, so a second subscription to ${plan} began. ` +
      "We kept the first and canceled the second at once; its unused time is credited to your next invoices.",
    actionUrl: null,
    dedupeKey: `duplicate:${subscription.id}`,
  });
}
