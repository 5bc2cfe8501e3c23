// The current plan: name, status badge and what happens next.
import type { RouterOutputs } from "@saas/api";
import { Link } from "@remix-run/react";
import { BillingAccessButton } from "./billing-access-button";
import { formatDate, formatDiscount, formatSeats } from "./format";

type Subscription = NonNullable<RouterOutputs["billing"]["status"]["subscription"]>;

const BADGES: Record<string, { label: string; tone: string }> = {
  active: { label: "Active", tone: "success" },
  trialing: { label: "Trial", tone: "neutral" },
  past_due: { label: "Past due", tone: "warning" },
  unpaid: { label: "Unpaid", tone: "danger" },
  canceled: { label: "Canceled", tone: "danger" },
  incomplete: { label: "Incomplete", tone: "warning" },
  incomplete_expired: { label: "Expired", tone: "danger" },
  paused: { label: "Paused", tone: "neutral" },
};

function nextStep(subscription: Subscription): string {
  if (subscription.status === "canceled") return "Your subscription has ended.";
  // The period has rolled over but is unpaid: "Renews on" would promise what has not happened.
  if (subscription.status === "past_due")
    return "Payment overdue: Stripe retries automatically, or pay now in Manage subscription.";
  if (subscription.status === "unpaid") return "Unpaid: paid features are paused until the invoice is paid.";
  if (subscription.cancelAtPeriodEnd || subscription.cancelAt) {
    return `Cancels on ${formatDate(subscription.cancelAt ?? subscription.currentPeriodEnd)}`;
  }
  if (subscription.status === "trialing" && subscription.trialEnd)
    return `Trial ends ${formatDate(subscription.trialEnd)}`;
  return `Renews on ${formatDate(subscription.currentPeriodEnd)}`;
}

export function SubscriptionSummary({ subscription, canManage }: { subscription: Subscription; canManage: boolean }) {
  const badge = BADGES[subscription.status] ?? { label: subscription.status, tone: "neutral" };
  return (
    <section aria-labelledby="plan-heading" className="card stack">
      <div className="summary-row">
        <h3 id="plan-heading">
          {subscription.planName}
          {subscription.interval ? (
            <span className="muted"> · {subscription.interval === "year" ? "Yearly" : "Monthly"}</span>
          ) : null}
        </h3>
        <span className={`badge ${badge.tone}`}>{badge.label}</span>
      </div>
      {subscription.seats ? (
        <p data-testid="seats">
          {formatSeats(
            subscription.seats.quantity,
            subscription.seats.unitAmount,
            subscription.seats.currency,
            subscription.interval ?? "period",
          )}
        </p>
      ) : null}
      {subscription.discount && subscription.status !== "canceled" ? (
        <p data-testid="discount">{formatDiscount(subscription.discount, subscription.seats?.currency ?? "usd")}</p>
      ) : null}
      <p data-testid="next-step">{nextStep(subscription)}</p>
      {canManage ? (
        <div className="actions">
          <BillingAccessButton />
          {/* The other plans, each priced before a switch (Settings → Billing's ?plans). */}
          {subscription.status === "canceled" ? null : (
            <Link to="?plans" className="button" preventScrollReset>
              Change plan
            </Link>
          )}
        </div>
      ) : null}
    </section>
  );
}
