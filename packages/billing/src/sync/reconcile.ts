// Re-syncs every mapped account (or one customer) from Stripe with the same function the
// webhooks use, then brings a per-seat plan's quantity back to the member count. The fix
// for any suspected drift, and safe to run at any time.
import { randomUUID } from "node:crypto";
import type { BillingDeps } from "../deps.ts";
import { accountForMetadata } from "../customers/customer-metadata.ts";
import { callStripe } from "../errors.ts";
import { runSeatSync } from "../seats/seat-sync.ts";
import { syncCustomer } from "./sync-customer.ts";

export type ReconcileSummary = {
  examined: number;
  changed: number;
  failed: number;
  linked: number;
  /** Per-seat subscriptions whose Stripe quantity was not the member count, and was set to it. */
  seatsRepaired: number;
};
export type ReconcileProgress = (event: {
  customerId: string;
  changed: number;
  /** Stripe's quantity and the member count it was set to, when they differed. */
  seats?: { from: number; to: number };
  error?: string;
}) => void;

export async function reconcile(
  deps: Pick<BillingDeps, "db" | "stripe">,
  options: { customerId?: string | undefined; onProgress?: ReconcileProgress } = {},
): Promise<ReconcileSummary> {
  const linked = options.customerId ? await linkByMetadata(deps, options.customerId) : 0;
  const accounts = await deps.db.account.findMany({
    where: options.customerId ? { stripeCustomerId: options.customerId } : { stripeCustomerId: { not: null } },
    select: { stripeCustomerId: true },
    orderBy: { createdAt: "asc" },
  });
  const summary: ReconcileSummary = { examined: 0, changed: 0, failed: 0, linked, seatsRepaired: 0 };
  for (const { stripeCustomerId } of accounts) {
    if (!stripeCustomerId) continue;
    summary.examined++;
    try {
      const outcome = await syncCustomer(deps, stripeCustomerId);
      if (outcome.changed) summary.changed++;
      const seats = outcome.organizationId ? await repairSeats(deps, outcome.organizationId) : undefined;
      if (seats) summary.seatsRepaired++;
      options.onProgress?.({ customerId: stripeCustomerId, changed: outcome.changed, ...(seats ? { seats } : {}) });
    } catch (error) {
      summary.failed++;
      options.onProgress?.({
        customerId: stripeCustomerId,
        changed: 0,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return summary;
}

/** Runs the seat job's step now, under a key of its own; the change, if any. */
async function repairSeats(
  deps: Pick<BillingDeps, "db" | "stripe">,
  organizationId: string,
): Promise<{ from: number; to: number } | undefined> {
  const result = await runSeatSync(deps, organizationId, { jobId: `reconcile-${randomUUID()}`, attempt: 1 });
  return result.changedFrom !== null && result.seats !== null
    ? { from: result.changedFrom, to: result.seats }
    : undefined;
}

/**
 * A customer no account maps yet, whose metadata names an organization (organizationId) or,
 * made before organizations, a user (userId: their personal organization), is linked to that
 * organization's account when the account has no customer. Returns how many were linked (0 or 1).
 */
async function linkByMetadata(deps: Pick<BillingDeps, "db" | "stripe">, customerId: string): Promise<number> {
  const mapped = await deps.db.account.findUnique({ where: { stripeCustomerId: customerId }, select: { id: true } });
  if (mapped) return 0;
  const customer = await callStripe(() => deps.stripe.customers.retrieve(customerId));
  if (customer.deleted) return 0;
  const account = await accountForMetadata(deps.db, customer.metadata);
  if (!account || account.stripeCustomerId) return 0;
  const { count } = await deps.db.account.updateMany({
    where: { id: account.id, stripeCustomerId: null },
    data: { stripeCustomerId: customerId },
  });
  return count;
}
