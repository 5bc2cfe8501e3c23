// Maps a user to exactly one Stripe customer, however many requests ask at once, with no
// database transaction open while Stripe answers.
import type Stripe from "stripe";
import type { BillingDeps } from "../deps.ts";
import { BillingNotFound, callStripe } from "../errors.ts";
import { USER_FACING_REQUEST } from "../stripe-client.ts";

/** The idempotency key for creating a user's customer: a retry returns the first customer. */
export const customerIdempotencyKey = (userId: string) => `customer-for-user-${userId}`;

/** Creations in flight in this process, by user: concurrent callers share one. */
const inFlight = new Map<string, Promise<string>>();

/**
 * Returns the account's Stripe customer id, creating the customer first when there is none.
 *
 * Nothing is locked while Stripe answers. Concurrent calls in one process share one creation;
 * calls from other processes send the same idempotency key, so Stripe answers them all with
 * the one customer it made. The id is then stored only where none is yet (a conditional
 * update), and the stored id is what every caller returns. If Stripe fails, nothing is stored
 * and StripeUnavailable is thrown. A user waits on it unless a background caller passes other
 * request options.
 */
export async function ensureCustomer(
  deps: Pick<BillingDeps, "db" | "stripe">,
  userId: string,
  request: Stripe.RequestOptions = USER_FACING_REQUEST,
): Promise<string> {
  const known = await deps.db.account.findUnique({ where: { userId }, select: { stripeCustomerId: true } });
  if (!known) throw new BillingNotFound(`no billing account for user ${userId}`);
  if (known.stripeCustomerId) return known.stripeCustomerId;

  const pending = inFlight.get(userId);
  if (pending) return pending;
  const creation = createAndStore(deps, userId, request).finally(() => inFlight.delete(userId));
  inFlight.set(userId, creation);
  return creation;
}

async function createAndStore(
  { db, stripe }: Pick<BillingDeps, "db" | "stripe">,
  userId: string,
  request: Stripe.RequestOptions,
): Promise<string> {
  const user = await db.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true, name: true } });
  const customer = await callStripe(() =>
    stripe.customers.create(
      { email: user.email, ...(user.name ? { name: user.name } : {}), metadata: { userId } },
      { ...request, idempotencyKey: customerIdempotencyKey(userId) },
    ),
  );
  // Only where no customer is stored yet: another process may have stored this same one.
  await db.account.updateMany({ where: { userId, stripeCustomerId: null }, data: { stripeCustomerId: customer.id } });
  const stored = await db.account.findUnique({ where: { userId }, select: { stripeCustomerId: true } });
  if (!stored?.stripeCustomerId) throw new BillingNotFound(`no billing account for user ${userId}`);
  return stored.stripeCustomerId;
}
