// Organizations a user belongs to: the personal one made at sign-up, those they create,
// and which one their session is working in.
import { randomBytes } from "node:crypto";
import type { Organization, PrismaClient } from "@saas/db";
import { z } from "zod";
import { NotAMember } from "./errors.ts";
import type { MembershipRole } from "./roles.ts";

/** The organization a session works in, as checked against the user's memberships on this request. */
export type CurrentOrganization = { id: string; name: string; slug: string; role: MembershipRole };

export const organizationNameSchema = z
  .string({ error: "Enter a name" })
  .trim()
  .min(1, { error: "Enter a name" })
  .max(80, { error: "Use at most 80 characters" });

export const createOrganizationSchema = z.object({ name: organizationNameSchema });

/**
 * A slug from a name: lower-case letters, digits and dashes, then a random suffix so two
 * organizations of one name never collide (48 random bits; the migration uses 48 bits of a hash).
 */
export function organizationSlug(name: string): string {
  const base = name
    .normalize("NFKD")
    // Accents come apart from their letters under NFKD: drop them (é → e).
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  return `${base || "org"}-${randomBytes(6).toString("hex")}`;
}

/** What a user's personal organization is called: their name, else their email's local part. */
export function personalOrganizationName(user: { email: string; name: string | null }): string {
  return user.name?.trim() || user.email.split("@")[0] || user.email;
}

/** Creates an organization owned by the user, with its billing account, in one statement. */
export async function createOrganization(
  db: PrismaClient,
  input: { userId: string; name: string },
): Promise<Organization> {
  return db.organization.create({
    data: {
      name: input.name,
      slug: organizationSlug(input.name),
      memberships: { create: { userId: input.userId, role: "owner" } },
      account: { create: {} },
    },
  });
}

export type OrganizationSummary = CurrentOrganization;

/** The user's organizations, the personal one first (memberships in the order they began). */
export async function listOrganizations(db: PrismaClient, userId: string): Promise<OrganizationSummary[]> {
  const memberships = await db.membership.findMany({
    where: { userId },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { role: true, organization: { select: { id: true, name: true, slug: true } } },
  });
  return memberships.map((m) => ({ ...m.organization, role: m.role }));
}

/**
 * Points the session at an organization the user belongs to. The membership is checked in
 * the same statement, so an id of someone else's organization changes nothing (NotAMember).
 */
export async function switchOrganization(
  db: PrismaClient,
  input: { sessionId: string; userId: string; organizationId: string },
): Promise<void> {
  const changed = await db.$executeRaw`
    UPDATE sessions SET current_organization_id = ${input.organizationId}
    WHERE id = ${input.sessionId} AND user_id = ${input.userId}
      AND EXISTS (
        SELECT 1 FROM memberships WHERE user_id = ${input.userId} AND organization_id = ${input.organizationId}
      )`;
  if (!changed) throw new NotAMember();
}
