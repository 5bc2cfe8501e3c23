// Maps a user to exactly one Stripe customer, however many requests ask at once.
import type Stripe from "stripe";
import type { BillingDeps } from "../deps.ts";
import { BillingNotFound, callStripe } from "../errors.ts";
import { TRANSACTION_LIMITS } from "../transaction-limits.ts";
import { USER_FACING_REQUEST } from "../stripe-client.ts";

/** The idempotency key for creating a user's customer: a retry returns the first customer. */
export const customerIdempotencyKey = (userId: string) => `customer-for-user-${userId}`;

/**
 * Returns the account's Stripe customer id, creating the customer first when there is
 * none. Concurrent calls for one user are serialized by a row lock on the account; the
 * id is stored before the lock is released, so the next caller sees it. If Stripe fails,
 * nothing is stored and StripeUnavailable is thrown. A user waits on it unless a background
 * caller passes other request options.
 */
export async function ensureCustomer(
  { db, stripe }: Pick<BillingDeps, "db" | "stripe">,
  userId: string,
  request: Stripe.RequestOptions = USER_FACING_REQUEST,
): Promise<string> {
  const known = await db.account.findUnique({ where: { userId }, select: { stripeCustomerId: true } });
  if (!known) throw new BillingNotFound(`no billing account for user ${userId}`);
  if (known.stripeCustomerId) return known.stripeCustomerId;

  return db.$transaction(
    async (tx) => {
      const [locked] = await tx.$queryRaw<Array<{ id: string; stripe_customer_id: string | null }>>`
        SELECT id, stripe_customer_id FROM accounts WHERE user_id = ${userId} FOR UPDATE`;
      if (!locked) throw new BillingNotFound(`no billing account for user ${userId}`);
      if (locked.stripe_customer_id) return locked.stripe_customer_id;

      const user = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true, name: true } });
      const customer = await callStripe(() =>
        stripe.customers.create(
          { email: user.email, ...(user.name ? { name: user.name } : {}), metadata: { userId } },
          { ...request, idempotencyKey: customerIdempotencyKey(userId) },
        ),
      );
      await tx.account.update({ where: { id: locked.id }, data: { stripeCustomerId: customer.id } });
      return customer.id;
    },
    // Waiters queue on the row lock; the Stripe call inside is bounded by the request's timeout and retries.
    TRANSACTION_LIMITS.withStripeCall,
  );
}
