// Who Stripe writes to about an organization's billing: its billing email, else its first owner's.
import type { PrismaClient } from "@saas/db";
import { BillingNotFound } from "../errors.ts";

export type BillingContact = {
  /** The organization's billing email, or its first owner's email when it has none of its own. */
  email: string;
  /** The organization's name, which Stripe shows on invoices. */
  name: string;
  /** Whether `email` is the organization's own billing email rather than its first owner's. */
  own: boolean;
};

/** One statement: the organization, its billing email, and its first owner's email. */
export async function billingContact(db: PrismaClient, organizationId: string): Promise<BillingContact> {
  const [organization] = await db.$queryRaw<
    Array<{ name: string; billing_email: string | null; owner_email: string | null }>
  >`
    SELECT o.name, o.billing_email, (
      SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id
      WHERE m.organization_id = o.id AND m.role = 'owner'
      ORDER BY m.created_at, m.id LIMIT 1
    ) AS owner_email
    FROM organizations o WHERE o.id = ${organizationId}`;
  if (organization?.billing_email) return { email: organization.billing_email, name: organization.name, own: true };
  if (!organization?.owner_email) throw new BillingNotFound(`no billing contact for organization ${organizationId}`);
  return { email: organization.owner_email, name: organization.name, own: false };
}

/**
 * The customers whose email is this user's: those of organizations without a billing email of
 * their own whose first owner the user is.
 */
export async function customersBilledToUser(db: PrismaClient, userId: string): Promise<string[]> {
  const rows = await db.$queryRaw<Array<{ stripe_customer_id: string }>>`
    SELECT a.stripe_customer_id FROM accounts a JOIN organizations o ON o.id = a.organization_id
    WHERE a.stripe_customer_id IS NOT NULL AND o.billing_email IS NULL
      AND (
        SELECT m.user_id FROM memberships m WHERE m.organization_id = o.id AND m.role = 'owner'
        ORDER BY m.created_at, m.id LIMIT 1
      ) = ${userId}
    ORDER BY a.created_at, a.id`;
  return rows.map((row) => row.stripe_customer_id);
}
