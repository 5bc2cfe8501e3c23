// How long a billing transaction may wait to start and how long it may run: written once.
// Each of them still has a Stripe call inside (until webhooks go through the queue), so a
// budget covers the Stripe client's attempts and, behind a per-customer lock, the syncs of
// the same customer queued ahead of it.
export const TRANSACTION_LIMITS = {
  /** One Stripe call inside. */
  withStripeCall: { maxWait: 10_000, timeout: 30_000 },
  /** Waits on the customer's lock, behind that customer's other syncs. */
  behindCustomerLock: { maxWait: 15_000, timeout: 60_000 },
} as const;
