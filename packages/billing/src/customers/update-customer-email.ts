// Keeps the Stripe customer's email in step with the user's.
import type { BillingDeps } from "../deps.ts";
import { callStripe } from "../errors.ts";
import { TRANSACTION_LIMITS } from "../transaction-limits.ts";
import { USER_FACING_REQUEST } from "../stripe-client.ts";

/**
 * Changes the user's email and, when they have a Stripe customer, the customer's too.
 * The database change waits, uncommitted, for Stripe: a taken email fails before Stripe
 * is touched, and Stripe being down leaves the old email everywhere.
 */
export async function updateUserEmail(
  { db, stripe }: Pick<BillingDeps, "db" | "stripe">,
  userId: string,
  email: string,
): Promise<void> {
  await db.$transaction(async (tx) => {
    const user = await tx.user.update({
      where: { id: userId },
      data: { email },
      select: { account: { select: { stripeCustomerId: true } } },
    });
    const customerId = user.account?.stripeCustomerId;
    if (customerId) await callStripe(() => stripe.customers.update(customerId, { email }, USER_FACING_REQUEST));
  }, TRANSACTION_LIMITS.withStripeCall);
}
