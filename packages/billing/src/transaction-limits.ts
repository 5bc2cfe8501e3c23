// How long a billing transaction may wait to start and how long it may run: written once.
export const TRANSACTION_LIMITS = {
  /** No Stripe call inside; the wait covers a burst of writers of one customer queued on its row. */
  write: { maxWait: 10_000, timeout: 15_000 },
  /**
   * One Stripe call inside (ensureCustomer and the email change, until they too read
   * Stripe outside their transaction), behind the customer's lock.
   */
  withStripeCall: { maxWait: 15_000, timeout: 60_000 },
} as const;
