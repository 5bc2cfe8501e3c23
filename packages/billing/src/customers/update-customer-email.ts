// Keeps the Stripe customer's email in step with the user's.
import type { BillingDeps } from "../deps.ts";
import { callStripe } from "../errors.ts";
import { USER_FACING_REQUEST } from "../stripe-client.ts";

/**
 * Changes the user's email and, when they have a Stripe customer, the customer's too, with no
 * database transaction open while Stripe answers. The new email is stored first, so a taken
 * one fails on the unique constraint before Stripe is touched; if Stripe then fails, the old
 * email is put back (unless the user changed it again meanwhile) and StripeUnavailable is
 * thrown, so Stripe being down leaves the old email everywhere.
 */
export async function updateUserEmail(
  { db, stripe }: Pick<BillingDeps, "db" | "stripe">,
  userId: string,
  email: string,
): Promise<void> {
  const before = await db.user.findUniqueOrThrow({
    where: { id: userId },
    select: { email: true, account: { select: { stripeCustomerId: true } } },
  });
  await db.user.update({ where: { id: userId }, data: { email } });
  const customerId = before.account?.stripeCustomerId;
  if (!customerId) return;
  try {
    await callStripe(() => stripe.customers.update(customerId, { email }, USER_FACING_REQUEST));
  } catch (error) {
    await db.user.updateMany({ where: { id: userId, email }, data: { email: before.email } });
    throw error;
  }
}
