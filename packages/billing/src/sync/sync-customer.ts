// Syncs one customer in a transaction of its own (checkout return, reconcile).
import type Stripe from "stripe";
import type { BillingDeps } from "../deps.ts";
import { TRANSACTION_LIMITS } from "../transaction-limits.ts";
import { syncCustomerSubscriptions, type SyncOutcome } from "./sync-customer-subscriptions.ts";

/** `request` overrides the client's settings, e.g. USER_FACING_REQUEST when a user waits on it. */
export function syncCustomer(
  { db, stripe }: Pick<BillingDeps, "db" | "stripe">,
  customerId: string,
  request: Stripe.RequestOptions = {},
): Promise<SyncOutcome> {
  return db.$transaction(
    (tx) => syncCustomerSubscriptions(tx, stripe, customerId, request),
    TRANSACTION_LIMITS.behindCustomerLock,
  );
}
