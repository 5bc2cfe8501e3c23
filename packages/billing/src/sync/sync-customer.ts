// Syncs one customer in a transaction of its own (checkout return, reconcile).
import type { BillingDeps } from "../deps.ts";
import { syncCustomerSubscriptions, type SyncOutcome } from "./sync-customer-subscriptions.ts";

export function syncCustomer({ db, stripe }: Pick<BillingDeps, "db" | "stripe">, customerId: string): Promise<SyncOutcome> {
  return db.$transaction((tx) => syncCustomerSubscriptions(tx, stripe, customerId), { maxWait: 15_000, timeout: 60_000 });
}
