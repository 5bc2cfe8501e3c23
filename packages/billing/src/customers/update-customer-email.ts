// Keeps the Stripe customers' email in step with the user's, where it is theirs.
import type { BillingDeps } from "../deps.ts";
import { callStripe } from "../errors.ts";
import { USER_FACING_REQUEST } from "../stripe-client.ts";
import { customersBilledToUser } from "./billing-contact.ts";

/**
 * Changes the user's email and the email of every Stripe customer billed to them (the
 * organizations they first own that have no billing email of their own), with no database
 * transaction open while Stripe answers. The new email is stored first, so a taken one fails
 * on the unique constraint before Stripe is touched; if Stripe then fails, the old email is
 * put back (unless the user changed it again meanwhile), on the customers already changed
 * too, and StripeUnavailable is thrown, so Stripe being down leaves the old email everywhere.
 */
export async function updateUserEmail(
  { db, stripe }: Pick<BillingDeps, "db" | "stripe">,
  userId: string,
  email: string,
): Promise<void> {
  const before = await db.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true } });
  await db.user.update({ where: { id: userId }, data: { email } });
  const customers = await customersBilledToUser(db, userId);
  const changed: string[] = [];
  try {
    for (const customerId of customers) {
      await callStripe(() => stripe.customers.update(customerId, { email }, USER_FACING_REQUEST));
      changed.push(customerId);
    }
  } catch (error) {
    await db.user.updateMany({ where: { id: userId, email }, data: { email: before.email } });
    for (const customerId of changed) {
      await stripe.customers.update(customerId, { email: before.email }, USER_FACING_REQUEST).catch(() => null);
    }
    throw error;
  }
}
