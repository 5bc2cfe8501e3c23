// Gives every account without a Stripe customer one: an existing customer whose metadata
// names its organization (metadata.organizationId, or the old metadata.userId of the user
// whose personal organization it is), else a new one. Safe to run any number of times.
import type Stripe from "stripe";
import type { BillingDeps } from "../deps.ts";
import { billingContact } from "./billing-contact.ts";
import { metadataNames, personalOwnerOf } from "./customer-metadata.ts";
import { ensureCustomer } from "./ensure-customer.ts";

export type BackfillSummary = { examined: number; linked: number; created: number; failed: number };
export type BackfillProgress = (event: {
  organizationId: string;
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
    select: { id: true, organizationId: true },
    orderBy: { createdAt: "asc" },
  });
  for (const account of accounts) {
    summary.examined++;
    const { organizationId } = account;
    let email = "";
    try {
      email = (await billingContact(db, organizationId)).email;
      const organization = { id: organizationId, personalOf: await personalOwnerOf(db, organizationId) };
      // List by email, then match the metadata: search is eventually consistent and could miss a fresh customer.
      const existing = await findCustomerFor(stripe, email, organization);
      if (options.dryRun) {
        options.onProgress?.({
          organizationId,
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
          options.onProgress?.({ organizationId, email, outcome: "linked", customerId: existing.id });
        }
        continue;
      }
      // Nobody waits on a backfill: the client's own (background) timeouts apply.
      const customerId = await ensureCustomer(deps, organizationId, {});
      summary.created++;
      options.onProgress?.({ organizationId, email, outcome: "created", customerId });
    } catch (error) {
      summary.failed++;
      options.onProgress?.({
        organizationId,
        email,
        outcome: "failed",
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return summary;
}

async function findCustomerFor(
  stripe: Stripe,
  email: string,
  organization: { id: string; personalOf: string | null },
): Promise<Stripe.Customer | null> {
  for await (const customer of stripe.customers.list({ email, limit: 100 })) {
    if (metadataNames(customer.metadata, organization)) return customer;
  }
  return null;
}
