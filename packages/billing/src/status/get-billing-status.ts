// Everything the Settings → Billing page shows about the organization's account, in one read.
import type { PrismaClient } from "@saas/db";
import { findCatalogPrice } from "../catalog/catalog.ts";
import { currentSubscription, entitlementFor, type Access } from "../entitlements/get-entitlement.ts";
import { NOTIFICATION_KINDS } from "../notifications/notifications.ts";

export type BillingStatus = {
  hasBillingProfile: boolean;
  subscription: {
    id: string;
    planName: string;
    lookupKey: string | null;
    interval: "month" | "year" | null;
    status: string;
    currentPeriodEnd: string;
    cancelAtPeriodEnd: boolean;
    cancelAt: string | null;
    trialEnd: string | null;
    /** For a per-seat plan: the seats Stripe bills (its quantity), the price of one, and their total. */
    seats: { quantity: number; unitAmount: number; currency: string; amount: number } | null;
    /** The discount on it (a promotion code typed in Checkout): its code, terms and end. */
    discount: {
      name: string;
      percentOff: number | null;
      amountOff: number | null;
      duration: string | null;
      endsAt: string | null;
    } | null;
  } | null;
  /** The organization's members: a per-seat plan's seats once the seat job has run. */
  members: number;
  /** One free trial per organization: false once any of its subscriptions had one. */
  trialAvailable: boolean;
  entitlement: { access: Access; reason: string };
  /** The newest unresolved failed payment, for the dunning banner. */
  paymentProblem: { message: string; since: string } | null;
  /** Stripe has sent changes that the sync job has not applied yet: the page looks again shortly. */
  pendingChanges: boolean;
};

const iso = (date: Date | null) => date?.toISOString() ?? null;

/** Whether any of the organization's subscriptions, ended ones included, had a trial. */
export const hadTrial = (subscriptions: ReadonlyArray<{ trialEnd: Date | null }>) =>
  subscriptions.some((subscription) => subscription.trialEnd !== null);

export async function getBillingStatus(db: PrismaClient, organizationId: string): Promise<BillingStatus> {
  const [account, problem, [counts]] = await Promise.all([
    db.account.findUnique({ where: { organizationId }, select: { stripeCustomerId: true, subscriptions: true } }),
    db.notification.findFirst({
      where: { organizationId, kind: NOTIFICATION_KINDS.paymentFailed, resolvedAt: null },
      orderBy: { createdAt: "desc" },
    }),
    // Beside the other two reads, not after them: the account's customer is joined, not
    // awaited. The member count (seatCount's: every membership) comes in the same statement.
    db.$queryRaw<Array<{ queued: boolean; members: number }>>`
      SELECT EXISTS (
        SELECT 1 FROM webhook_log w JOIN accounts a ON a.stripe_customer_id = w.stripe_customer_id
        WHERE a.organization_id = ${organizationId} AND w.outcome = 'queued'
      ) AS queued,
      (SELECT count(*)::int FROM memberships m WHERE m.organization_id = ${organizationId}) AS members`,
  ]);
  const members = counts?.members ?? 0;
  const subscription = currentSubscription(account?.subscriptions ?? []);
  const entitlement = entitlementFor(subscription);
  const catalogEntry = subscription?.priceLookupKey ? findCatalogPrice(subscription.priceLookupKey) : null;
  const pastDue = subscription?.status === "past_due";
  return {
    hasBillingProfile: Boolean(account?.stripeCustomerId),
    subscription: subscription && {
      id: subscription.stripeSubscriptionId,
      planName: catalogEntry?.product.name ?? "Subscription",
      lookupKey: subscription.priceLookupKey,
      interval: catalogEntry?.price.interval ?? null,
      status: subscription.status,
      currentPeriodEnd: subscription.currentPeriodEnd.toISOString(),
      cancelAtPeriodEnd: subscription.cancelAtPeriodEnd,
      cancelAt: iso(subscription.cancelAt),
      trialEnd: iso(subscription.trialEnd),
      seats:
        catalogEntry?.product.perSeat === true
          ? {
              quantity: subscription.quantity,
              unitAmount: catalogEntry.price.unitAmount,
              currency: catalogEntry.price.currency,
              amount: subscription.quantity * catalogEntry.price.unitAmount,
            }
          : null,
      discount: subscription.discountName
        ? {
            name: subscription.discountName,
            percentOff: subscription.discountPercentOff,
            amountOff: subscription.discountAmountOff,
            duration: subscription.discountDuration,
            endsAt: iso(subscription.discountEnd),
          }
        : null,
    },
    members,
    trialAvailable: !hadTrial(account?.subscriptions ?? []),
    entitlement: { access: entitlement.access, reason: entitlement.reason },
    pendingChanges: counts?.queued === true,
    paymentProblem: problem
      ? { message: problem.body, since: problem.createdAt.toISOString() }
      : pastDue
        ? {
            message: "Your last payment failed. Update your payment method to keep your subscription.",
            since: subscription.syncedAt.toISOString(),
          }
        : null,
  };
}
