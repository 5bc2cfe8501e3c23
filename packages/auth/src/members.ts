// An organization's members: the list, role changes, removal and leaving. An organization
// always keeps an owner: the last one can neither leave, be removed nor be demoted.
import type { PrismaClient, Tx } from "@saas/db";
import { LastOwner, MemberNotFound, NotAllowed } from "./errors.ts";
import { hasRole, type MembershipRole } from "./roles.ts";

export type MemberView = { userId: string; email: string; name: string | null; role: MembershipRole; since: string };

export async function listMembers(db: PrismaClient, organizationId: string): Promise<MemberView[]> {
  const rows = await db.membership.findMany({
    where: { organizationId },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { role: true, createdAt: true, user: { select: { id: true, email: true, name: true } } },
  });
  return rows.map((m) => ({
    userId: m.user.id,
    email: m.user.email,
    name: m.user.name,
    role: m.role,
    since: m.createdAt.toISOString(),
  }));
}

/**
 * Runs in the transaction that adds or removes a member, so what follows from the change
 * (billing queues the organization's seat job) is committed with it or not at all.
 */
export type MembersChanged = (tx: Tx, organizationId: string) => Promise<void>;

/** Who acts, and in which organization, as the session lookup established it. */
export type Actor = { userId: string; organizationId: string; role: MembershipRole };

/** The actor's role as it is now, under the lock (a concurrent change may have moved it). */
export async function currentRole(tx: Tx, actor: Actor): Promise<MembershipRole> {
  return (await membershipOf(tx, actor.organizationId, actor.userId)).role;
}

/**
 * Gives a member another role. Admins may move members and admins between those two roles;
 * only owners may make or unmake owners. A user id that is not a member of the actor's
 * organization is MemberNotFound, whoever it is.
 */
export async function changeMemberRole(
  db: PrismaClient,
  actor: Actor,
  input: { userId: string; role: MembershipRole },
): Promise<void> {
  await withOrganizationLocked(db, actor.organizationId, async (tx) => {
    const role = await currentRole(tx, actor);
    const target = await membershipOf(tx, actor.organizationId, input.userId);
    if (!hasRole(role, "admin")) throw new NotAllowed();
    if ((target.role === "owner" || input.role === "owner") && role !== "owner") throw new NotAllowed();
    if (target.role === "owner" && input.role !== "owner") await refuseLastOwner(tx, actor.organizationId);
    await tx.membership.update({ where: { id: target.id }, data: { role: input.role } });
  });
}

/**
 * Ends a membership, at once: the session lookup of the member's next request no longer
 * finds it. Removing someone else needs admin (owner to remove an owner); anyone may leave.
 */
export async function removeMember(
  db: PrismaClient,
  actor: Actor,
  input: { userId: string },
  membersChanged?: MembersChanged,
): Promise<void> {
  await withOrganizationLocked(db, actor.organizationId, async (tx) => {
    const role = await currentRole(tx, actor);
    const target = await membershipOf(tx, actor.organizationId, input.userId);
    const leaving = input.userId === actor.userId;
    if (!leaving && !hasRole(role, "admin")) throw new NotAllowed();
    if (!leaving && target.role === "owner" && role !== "owner") throw new NotAllowed();
    if (target.role === "owner") await refuseLastOwner(tx, actor.organizationId);
    await tx.membership.delete({ where: { id: target.id } });
    await membersChanged?.(tx, actor.organizationId);
  });
}

/**
 * One short transaction holding the organization's row lock, so two owners demoting or
 * removing each other at once cannot both pass the last-owner check.
 */
export async function withOrganizationLocked(
  db: PrismaClient,
  organizationId: string,
  run: (tx: Tx) => Promise<void>,
): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM organizations WHERE id = ${organizationId} FOR UPDATE`;
    await run(tx);
  });
}

async function membershipOf(tx: Tx, organizationId: string, userId: string) {
  const membership = await tx.membership.findUnique({
    where: { userId_organizationId: { userId, organizationId } },
    select: { id: true, role: true },
  });
  if (!membership) throw new MemberNotFound();
  return membership;
}

async function refuseLastOwner(tx: Tx, organizationId: string): Promise<void> {
  const owners = await tx.membership.count({ where: { organizationId, role: "owner" } });
  if (owners <= 1) throw new LastOwner();
}
