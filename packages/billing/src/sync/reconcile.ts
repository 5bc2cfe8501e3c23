// Re-syncs every mapped account (or one customer) from Stripe with the same function the
// webhooks use. The fix for any suspected drift, and safe to run at any time.
import type { BillingDeps } from "../deps.ts";
import { accountForMetadata } from "../customers/customer-metadata.ts";
import { callStripe } from "../errors.ts";
import { syncCustomer } from "./sync-customer.ts";

export type ReconcileSummary = { examined: number; changed: number; failed: number; linked: number };
export type ReconcileProgress = (event: { customerId: string; changed: number; error?: string }) => void;

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
  const summary: ReconcileSummary = { examined: 0, changed: 0, failed: 0, linked };
  for (const { stripeCustomerId } of accounts) {
    if (!stripeCustomerId) continue;
    summary.examined++;
    try {
      const outcome = await syncCustomer(deps, stripeCustomerId);
      if (outcome.changed) summary.changed++;
      options.onProgress?.({ customerId: stripeCustomerId, changed: outcome.changed });
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
