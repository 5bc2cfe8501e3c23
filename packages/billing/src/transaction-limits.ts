// How long a billing transaction may wait to start and how long it may run: written once.
// No billing transaction calls Stripe (decision 018): each reads Stripe first, then writes.
export const TRANSACTION_LIMITS = {
  /** The wait covers a burst of writers of one customer queued on its row. */
  write: { maxWait: 10_000, timeout: 15_000 },
} as const;
