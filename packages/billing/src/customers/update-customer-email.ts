// Keeps the Stripe customers' email in step with who is billed: the user's email where the
// customer is theirs, the organization's billing email where it has one.
import type { BillingDeps } from "../deps.ts";
import { callStripe } from "../errors.ts";
import { USER_FACING_REQUEST } from "../stripe-client.ts";
import { billingContact, customersBilledToUser, type BillingContact } from "./billing-contact.ts";
import { queueCustomerContact } from "./contact-job.ts";

/**
 * Changes the user's email and the email of every Stripe customer billed to them (the
 * organizations they first own that have no billing email of their own), with no database
 * transaction open while Stripe answers. The new email is stored first, so a taken one fails
 * on the unique constraint before Stripe is touched; if Stripe then fails, the old email is
 * put back (unless the user changed it again meanwhile) and StripeUnavailable is thrown. The
 * customers already changed, and the one that failed (the change may have reached Stripe
 * before its answer was lost), are sent the old email again by the contact job.
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
    const failed = customers[changed.length];
    await queueCustomerContact(db, failed ? [...changed, failed] : changed);
    throw error;
  }
}

/** How often a change made by another owner meanwhile is followed before giving up on it. */
const MAX_FOLLOW_UPS = 3;

/**
 * Sets the organization's billing email (null: its first owner's again) and the email of its
 * Stripe customer, with no database transaction open while Stripe answers. The new value is
 * stored first; Stripe is then sent what is stored, again if another owner changed it while
 * Stripe answered, so the last change wins on both sides. If Stripe fails, the previous value
 * is put back (unless it was changed again meanwhile), the contact job queued to send it to
 * Stripe (the call that failed may have reached it), and StripeUnavailable is thrown.
 * Returns the contact Stripe now holds.
 */
export async function updateBillingEmail(
  { db, stripe }: Pick<BillingDeps, "db" | "stripe">,
  organizationId: string,
  billingEmail: string | null,
): Promise<BillingContact> {
  const before = await db.organization.findUniqueOrThrow({
    where: { id: organizationId },
    select: { billingEmail: true },
  });
  await db.organization.update({ where: { id: organizationId }, data: { billingEmail } });
  const account = await db.account.findUnique({ where: { organizationId }, select: { stripeCustomerId: true } });
  const customerId = account?.stripeCustomerId;
  let contact = await billingContact(db, organizationId);
  if (!customerId) return contact;
  try {
    let sent: string | null = null;
    for (let round = 0; round < MAX_FOLLOW_UPS && contact.email !== sent; round++) {
      const { email } = contact;
      await callStripe(() => stripe.customers.update(customerId, { email }, USER_FACING_REQUEST));
      sent = email;
      contact = await billingContact(db, organizationId);
    }
    return contact;
  } catch (error) {
    await db.organization.updateMany({
      where: { id: organizationId, billingEmail },
      data: { billingEmail: before.billingEmail },
    });
    await queueCustomerContact(db, [customerId]);
    throw error;
  }
}
