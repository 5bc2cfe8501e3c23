// What an organization's members may use, from its synced subscription status.
import type { PrismaClient, Subscription } from "@saas/db";

export type Access = "full" | "grace" | "none";

export type Entitlement = {
  access: Access;
  /** Why, in one line the UI can show. */
  reason: string;
  subscription: Subscription | null;
};

const ACCESS_BY_STATUS: Record<string, Access> = {
  active: "full",
  trialing: "full",
  // Stripe is retrying a failed renewal: keep access while the user fixes the card.
  past_due: "grace",
  unpaid: "none",
  canceled: "none",
  incomplete: "none",
  incomplete_expired: "none",
  paused: "none",
};

// Which subscription speaks for the account when there are several (e.g. an ended one and a new one).
const PRIORITY = ["active", "trialing", "past_due", "unpaid", "incomplete", "paused", "canceled", "incomplete_expired"];

export function currentSubscription<T extends Pick<Subscription, "status" | "currentPeriodEnd">>(
  subscriptions: T[],
): T | null {
  const rank = (s: T) => {
    const index = PRIORITY.indexOf(s.status);
    return index === -1 ? PRIORITY.length : index;
  };
  return (
    [...subscriptions].sort(
      (a, b) => rank(a) - rank(b) || b.currentPeriodEnd.getTime() - a.currentPeriodEnd.getTime(),
    )[0] ?? null
  );
}

export function entitlementFor(subscription: Subscription | null): Entitlement {
  if (!subscription) return { access: "none", reason: "No subscription", subscription: null };
  const access = ACCESS_BY_STATUS[subscription.status] ?? "none";
  const reason =
    access === "full"
      ? "Subscription active"
      : access === "grace"
        ? "Payment failed: update your payment method to keep access"
        : `Subscription ${subscription.status.replace("_", " ")}`;
  return { access, reason, subscription };
}

export async function getEntitlement(db: PrismaClient, organizationId: string): Promise<Entitlement> {
  const subscriptions = await db.subscription.findMany({ where: { account: { organizationId } } });
  return entitlementFor(currentSubscription(subscriptions));
}
