// Re-syncs every mapped account (or one customer) from Stripe with the same function the
// webhooks use. The fix for any suspected drift, and safe to run at any time.
import type { BillingDeps } from "../deps.ts";
import { syncCustomer } from "./sync-customer.ts";

export type ReconcileSummary = { examined: number; changed: number; failed: number };
export type ReconcileProgress = (event: { customerId: string; changed: number; error?: string }) => void;

export async function reconcile(
  deps: Pick<BillingDeps, "db" | "stripe">,
  options: { customerId?: string | undefined; onProgress?: ReconcileProgress } = {},
): Promise<ReconcileSummary> {
  const accounts = await deps.db.account.findMany({
    where: options.customerId ? { stripeCustomerId: options.customerId } : { stripeCustomerId: { not: null } },
    select: { stripeCustomerId: true },
    orderBy: { createdAt: "asc" },
  });
  const summary: ReconcileSummary = { examined: 0, changed: 0, failed: 0 };
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
