// The billing emails, queued in the sync job's write transaction (or the checkout return's,
// or reconcile's) beside what causes them. Each key names its cause, so a replayed,
// duplicated or reordered event never queues a second email for it (packages/mail sends
// them after commit). Their data is what the reader needs: amounts, dates, the plan's name.
// They go to the organization's owners and admins, as the in-app alerts do: one email each,
// under the cause's key followed by the recipient.
import type { Tx } from "@saas/db";
import { enqueueEmail } from "@saas/mail";
import type Stripe from "stripe";
import { findCatalogPrice } from "../catalog/catalog.ts";
import { currentSubscription } from "../entitlements/get-entitlement.ts";
import type { SubscriptionColumns } from "../sync/subscription-row.ts";

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
const planNameOf = (lookupKey: string | null) =>
  lookupKey ? (findCatalogPrice(lookupKey)?.product.name ?? null) : null;

/** The organization's billing contacts in the app: its owners and admins, oldest membership first. */
async function recipientsOf(tx: Tx, organizationId: string): Promise<string[]> {
  const managers = await tx.membership.findMany({
    where: { organizationId, role: { in: ["owner", "admin"] } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { userId: true },
  });
  return managers.map(({ userId }) => userId);
}

const keyFor = (cause: string, userId: string) => `${cause}:to:${userId}`;

/** The plan the account's current subscription is on, as the catalog names it. */
async function currentPlanName(tx: Tx, organizationId: string): Promise<string | null> {
  const subscriptions = await tx.subscription.findMany({
    where: { account: { organizationId } },
    select: { status: true, currentPeriodEnd: true, priceLookupKey: true },
  });
  return planNameOf(currentSubscription(subscriptions)?.priceLookupKey ?? null);
}

/** One email per failed invoice, however many times Stripe retries it (the banner follows each attempt). */
export async function emailPaymentFailed(tx: Tx, organizationId: string, invoice: Stripe.Invoice): Promise<void> {
  const data = {
    amountDue: invoice.amount_due,
    currency: invoice.currency,
    nextPaymentAttempt: invoice.next_payment_attempt ?? null,
    planName: await currentPlanName(tx, organizationId),
  };
  for (const userId of await recipientsOf(tx, organizationId))
    await enqueueEmail(tx, {
      key: keyFor(`payment_failed:${invoice.id}`, userId),
      kind: "payment_failed",
      userId,
      data,
    });
}

/** Only after a failure: the amount is the one the failure email asked for, read from our own log. */
export async function emailPaymentRecovered(tx: Tx, organizationId: string, invoiceId: string): Promise<void> {
  for (const userId of await recipientsOf(tx, organizationId)) {
    const failure = await tx.emailLog.findUnique({
      where: { key: keyFor(`payment_failed:${invoiceId}`, userId) },
      select: { data: true },
    });
    const asked = failure?.data as { amountDue?: number; currency?: string } | undefined;
    if (typeof asked?.amountDue !== "number" || typeof asked.currency !== "string") continue;
    await enqueueEmail(tx, {
      key: keyFor(`payment_recovered:${invoiceId}`, userId),
      kind: "payment_recovered",
      userId,
      data: { amountPaid: asked.amountDue, currency: asked.currency },
    });
  }
}

export async function emailTrialEnding(
  tx: Tx,
  organizationId: string,
  subscription: Stripe.Subscription,
): Promise<void> {
  if (!subscription.trial_end) return;
  const data = {
    trialEnd: subscription.trial_end,
    planName: planNameOf(subscription.items.data[0]?.price.lookup_key ?? null),
  };
  for (const userId of await recipientsOf(tx, organizationId))
    await enqueueEmail(tx, {
      key: keyFor(`trial_ending:${subscription.id}:${subscription.trial_end}`, userId),
      kind: "trial_ending",
      userId,
      data,
    });
}

/**
 * Cancellation, seen as a change of a stored subscription (from Stripe's truth, not from an
 * event's copy): scheduled to end (at the period's end or a date, again when that date
 * moves), or ended. `before` is null the first time a subscription is synced (a burst may
 * bring it in already set to cancel): then only a scheduled end still ahead is told, never
 * an ending that is history.
 */
export async function emailSubscriptionChange(
  tx: Tx,
  organizationId: string,
  subscriptionId: string,
  before: Pick<SubscriptionColumns, "status" | "cancelAtPeriodEnd" | "cancelAt" | "currentPeriodEnd"> | null,
  after: SubscriptionColumns,
): Promise<void> {
  const planName = planNameOf(after.priceLookupKey);
  if (before && before.status !== "canceled" && after.status === "canceled") {
    const data = { endsAt: seconds(after.endedAt ?? new Date()), planName };
    for (const userId of await recipientsOf(tx, organizationId))
      await enqueueEmail(tx, {
        key: keyFor(`subscription_canceled:${subscriptionId}`, userId),
        kind: "subscription_canceled",
        userId,
        data,
      });
    return;
  }
  const endOf = (s: typeof before) =>
    s && (s.cancelAtPeriodEnd || s.cancelAt !== null) ? seconds(s.cancelAt ?? s.currentPeriodEnd) : null;
  const endsAt = endOf(after);
  if (endsAt === null || endsAt === endOf(before) || after.status === "canceled") return;
  if (!before && endsAt * 1000 <= Date.now()) return;
  for (const userId of await recipientsOf(tx, organizationId))
    await enqueueEmail(tx, {
      key: keyFor(`subscription_cancel_scheduled:${subscriptionId}:${endsAt}`, userId),
      kind: "subscription_cancel_scheduled",
      userId,
      data: { endsAt, planName },
    });
}
