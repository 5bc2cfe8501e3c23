// The plan cards, with a monthly / yearly switch: before a subscription, each subscribes
// through Checkout; with one, each other plan offers a switch, priced first (?change=…).
// The links work before hydration too.
import type { RouterOutputs } from "@saas/api";
import { Link } from "@remix-run/react";
import { formatMoney, formatSeats } from "./format";
import { SubscribeButton } from "./subscribe-button";

type Plans = RouterOutputs["billing"]["plans"];

export function PlanPicker({
  plans,
  interval,
  canSubscribe,
  members,
  current = null,
  trialAvailable = true,
}: {
  plans: Plans;
  interval: "month" | "year";
  /** Members see the plans without the buttons: only owners and admins can subscribe. */
  canSubscribe: boolean;
  /** The organization's members: a per-seat plan's seats, and what a flat plan's limit must fit. */
  members: number;
  /** The price of the live subscription: the cards then offer a switch instead of Checkout. */
  current?: string | null;
  /** One trial per organization: false once it had one. */
  trialAvailable?: boolean;
}) {
  const switching = current !== null;
  return (
    <section aria-labelledby="plans-heading" className="stack">
      <div className="plans-header">
        <h3 id="plans-heading">{switching ? "Change plan" : "Choose a plan"}</h3>
        <nav aria-label="Billing period" className="segmented">
          <Link
            to="?interval=month"
            aria-current={interval === "month" ? "true" : undefined}
            preventScrollReset
            replace
          >
            Monthly
          </Link>
          <Link to="?interval=year" aria-current={interval === "year" ? "true" : undefined} preventScrollReset replace>
            Yearly
          </Link>
        </nav>
      </div>
      <ul className="plan-grid">
        {plans.map((plan) => {
          const price = plan.prices.find((p) => p.interval === interval);
          if (!price) return null;
          return (
            <li key={plan.key} className="card plan-card" aria-labelledby={`plan-${plan.key}`}>
              <h4 id={`plan-${plan.key}`}>{plan.name}</h4>
              <p className="muted">{plan.description}</p>
              <p className="price">
                <strong>{formatMoney(price.unitAmount, price.currency)}</strong>{" "}
                <span className="muted">
                  {plan.perSeat ? "/ seat " : ""}/ {price.interval}
                </span>
              </p>
              {plan.perSeat ? (
                <p data-testid={`seats-${plan.key}`}>
                  {formatSeats(members, price.unitAmount, price.currency, price.interval)}
                </p>
              ) : (
                <p className="muted">
                  Up to {plan.memberLimit} {plan.memberLimit === 1 ? "member" : "members"}
                </p>
              )}
              {!price.trialDays || switching ? null : trialAvailable ? (
                <p className="badge neutral">{price.trialDays}-day free trial</p>
              ) : (
                <p className="muted" data-testid={`trial-used-${plan.key}`}>
                  No free trial: this organization has had one.
                </p>
              )}
              <ul className="features">
                {plan.features.map((feature) => (
                  <li key={feature}>{feature}</li>
                ))}
              </ul>
              {plan.memberLimit !== null && members > plan.memberLimit ? (
                <p className="muted" data-testid={`too-many-members-${plan.key}`}>
                  Your {members} members do not fit: remove members or choose a larger plan.
                </p>
              ) : price.lookupKey === current ? (
                <p className="badge neutral">Current plan</p>
              ) : !canSubscribe ? null : switching ? (
                <Link
                  to={`?interval=${interval}&change=${price.lookupKey}`}
                  className="button"
                  preventScrollReset
                  aria-label={`Switch to ${plan.name} ${interval === "year" ? "yearly" : "monthly"}`}
                >
                  Switch to {plan.name}
                </Link>
              ) : (
                <SubscribeButton lookupKey={price.lookupKey}>Subscribe to {plan.name}</SubscribeButton>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
