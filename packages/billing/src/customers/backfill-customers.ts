// Gives every account without a Stripe customer one: an existing customer whose
// metadata.userId matches, else a new one. Safe to run any number of times.
import type Stripe from "stripe";
import type { BillingDeps } from "../deps.ts";
import { ensureCustomer } from "./ensure-customer.ts";

export type BackfillSummary = { examined: number; linked: number; created: number; failed: number };
export type BackfillProgress = (event: {
  userId: string;
  email: string;
  outcome: "linked" | "created" | "would-link" | "would-create" | "failed";
  customerId?: string;
  error?: string;
}) => void;

export async function backfillCustomers(
  deps: Pick<BillingDeps, "db" | "stripe">,
  options: { dryRun?: boolean; onProgress?: BackfillProgress } = {},
): Promise<BackfillSummary> {
  const { db, stripe } = deps;
  const summary: BackfillSummary = { examined: 0, linked: 0, created: 0, failed: 0 };
  const accounts = await db.account.findMany({
    where: { stripeCustomerId: null },
    select: { id: true, userId: true, user: { select: { email: true } } },
    orderBy: { createdAt: "asc" },
  });
  for (const account of accounts) {
    summary.examined++;
    const { userId } = account;
    const email = account.user.email;
    try {
      // List by email, then match the metadata: search is eventually consistent and could miss a fresh customer.
      const existing = await findCustomerForUser(stripe, email, userId);
      if (options.dryRun) {
        options.onProgress?.({
          userId,
          email,
          outcome: existing ? "would-link" : "would-create",
          ...(existing ? { customerId: existing.id } : {}),
        });
        continue;
      }
      if (existing) {
        const linked = await db.account.updateMany({
          where: { id: account.id, stripeCustomerId: null },
          data: { stripeCustomerId: existing.id },
        });
        if (linked.count) {
          summary.linked++;
          options.onProgress?.({ userId, email, outcome: "linked", customerId: existing.id });
        }
        continue;
      }
      // Nobody waits on a backfill: the client's own (background) timeouts apply.
      const customerId = await ensureCustomer(deps, userId, {});
      summary.created++;
      options.onProgress?.({ userId, email, outcome: "created", customerId });
    } catch (error) {
      summary.failed++;
      options.onProgress?.({
        userId,
        email,
        outcome: "failed",
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return summary;
}

async function findCustomerForUser(stripe: Stripe, email: string, userId: string): Promise<Stripe.Customer | null> {
  for await (const customer of stripe.customers.list({ email, limit: 100 })) {
    if (customer.metadata.userId === userId) return customer;
  }
  return null;
}
