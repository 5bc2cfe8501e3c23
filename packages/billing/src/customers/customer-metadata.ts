// Stripe customers made before organizations carry metadata.userId (their user's personal
// organization is theirs now); newer ones carry metadata.organizationId.
import type { PrismaClient } from "@saas/db";
import type Stripe from "stripe";

/** Whether a customer's metadata names this organization, by either kind of metadata. */
export function metadataNames(
  metadata: Stripe.Metadata,
  organization: { id: string; personalOf: string | null },
): boolean {
  if (metadata.organizationId) return metadata.organizationId === organization.id;
  return Boolean(organization.personalOf && metadata.userId === organization.personalOf);
}

/**
 * The account a customer's metadata points at: the organization it names, or for old
 * per-user metadata, the personal organization of that user (their first membership).
 */
export async function accountForMetadata(
  db: PrismaClient,
  metadata: Stripe.Metadata,
): Promise<{ id: string; organizationId: string; stripeCustomerId: string | null } | null> {
  const select = { id: true, organizationId: true, stripeCustomerId: true } as const;
  if (metadata.organizationId)
    return db.account.findUnique({ where: { organizationId: metadata.organizationId }, select });
  if (!metadata.userId) return null;
  const personal = await db.membership.findFirst({
    where: { userId: metadata.userId },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { organizationId: true },
  });
  return personal ? db.account.findUnique({ where: { organizationId: personal.organizationId }, select }) : null;
}

/** The user whose personal organization this is (its owner whose first membership it is), or null. */
export async function personalOwnerOf(db: PrismaClient, organizationId: string): Promise<string | null> {
  const rows = await db.$queryRaw<Array<{ user_id: string }>>`
    SELECT m.user_id FROM memberships m
    WHERE m.organization_id = ${organizationId} AND m.role = 'owner'
      AND NOT EXISTS (
        SELECT 1 FROM memberships earlier WHERE earlier.user_id = m.user_id
          AND (earlier.created_at, earlier.id) < (m.created_at, m.id)
      )
    ORDER BY m.created_at, m.id LIMIT 1`;
  return rows[0]?.user_id ?? null;
}
