// Syncs one customer now (checkout return, reconcile): Stripe first, with no transaction
// open, then one short transaction to write what it said.
import type Stripe from "stripe";
import type { BillingDeps } from "../deps.ts";
import { TRANSACTION_LIMITS } from "../transaction-limits.ts";
import {
  databaseNow,
  readCustomerSubscriptions,
  writeCustomerSubscriptions,
  type SyncOutcome,
} from "./sync-customer-subscriptions.ts";

/** `request` overrides the client's settings, e.g. USER_FACING_REQUEST when a user waits on it. */
export async function syncCustomer(
  { db, stripe }: Pick<BillingDeps, "db" | "stripe">,
  customerId: string,
  request: Stripe.RequestOptions = {},
): Promise<SyncOutcome> {
  const mapped = await db.account.findUnique({ where: { stripeCustomerId: customerId }, select: { id: true } });
  // A customer we never mapped: Stripe is not asked about it.
  if (!mapped) return { customerId, known: false, changed: 0, subscriptions: 0, organizationId: null, current: true };
  const read = await readCustomerSubscriptions(stripe, customerId, await databaseNow(db), request);
  return db.$transaction((tx) => writeCustomerSubscriptions(tx, read), TRANSACTION_LIMITS.write);
}
