// Stripe's truth about every subscription, shaped as the app's subscriptions rows
// (packages/billing's own mapping): what the baseline writes and what the end state is
// checked against.
import { SUBSCRIPTION_EXPAND, subscriptionRow, type SubscriptionColumns } from "@saas/billing";
import type Stripe from "stripe";

/** A subscriptions row as the sync writes it, with the ids it is keyed by. */
export type SubscriptionRow = SubscriptionColumns & { stripeSubscriptionId: string; stripeCustomerId: string };

function toRow(sub: Stripe.Subscription): SubscriptionRow | null {
  const columns = subscriptionRow(sub);
  if (!columns) return null;
  return {
    ...columns,
    stripeSubscriptionId: sub.id,
    stripeCustomerId: typeof sub.customer === "string" ? sub.customer : sub.customer.id,
  };
}

/** Every subscription of the given customers, grouped by customer. */
export async function fetchTruth(
  stripe: Stripe,
  customers: ReadonlySet<string>,
): Promise<Map<string, SubscriptionRow[]>> {
  const truth = new Map<string, SubscriptionRow[]>();
  let seen = 0;
  for await (const sub of stripe.subscriptions.list({ status: "all", limit: 100, expand: [...SUBSCRIPTION_EXPAND] })) {
    if (++seen > 200_000) break; // bounded
    const row = toRow(sub);
    if (!row || !customers.has(row.stripeCustomerId)) continue;
    truth.set(row.stripeCustomerId, [...(truth.get(row.stripeCustomerId) ?? []), row]);
  }
  return truth;
}
