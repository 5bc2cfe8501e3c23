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

export async function billingContact(db: PrismaClient, organizationId: string): Promise<BillingContact> {
  const organization = await db.organization.findUnique({
    where: { id: organizationId },
    select: {
      name: true,
      billingEmail: true,
      memberships: {
        where: { role: "owner" },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        take: 1,
        select: { user: { select: { email: true } } },
      },
    },
  });
  if (organization?.billingEmail) return { email: organization.billingEmail, name: organization.name, own: true };
  const owner = organization?.memberships[0]?.user;
  if (!organization || !owner) throw new BillingNotFound(`no billing contact for organization ${organizationId}`);
  return { email: owner.email, name: organization.name, own: false };
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
