// Keeps the Stripe customer's email in step with the user's.
import type { BillingDeps } from "../deps.ts";
import { callStripe } from "../errors.ts";

/** Changes the user's email and, when they have a Stripe customer, the customer's too. */
export async function updateUserEmail({ db, stripe }: Pick<BillingDeps, "db" | "stripe">, userId: string, email: string): Promise<void> {
  const account = await db.account.findUnique({ where: { userId }, select: { stripeCustomerId: true } });
  // Stripe first: if it is down, the user keeps the old email everywhere and can retry.
  if (account?.stripeCustomerId) {
    const customerId = account.stripeCustomerId;
    await callStripe(() => stripe.customers.update(customerId, { email }));
  }
  await db.user.update({ where: { id: userId }, data: { email } });
}
