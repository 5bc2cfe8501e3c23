// Invitations to an organization: sent by email with a single-use link that expires after
// 7 days, accepted only by a user whose email is the invited one. The link's token is never
// stored: the invitations table holds its SHA-256, and the email's job carries the token
// until the email is sent (packages/mail).
import { createHash, randomBytes } from "node:crypto";
import type { PrismaClient, Tx } from "@saas/db";
import { cancelQueuedEmail, enqueueEmail } from "@saas/mail";
import {
  AlreadyInvited,
  InvitationNotFound,
  InvitationUnusable,
  NotAllowed,
  type InvitationRefusal,
} from "./errors.ts";
import { currentRole, withOrganizationLocked, type Actor, type MembersChanged } from "./members.ts";
import { hasRole, type MembershipRole } from "./roles.ts";

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60_000;

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/** 32 random bytes, URL-safe. */
const newToken = () => randomBytes(32).toString("base64url");

export type PendingInvitation = {
  id: string;
  email: string;
  role: MembershipRole;
  expiresAt: string;
  expired: boolean;
  invitedBy: string | null;
};

/** The organization's open invitations (neither accepted nor revoked), expired ones included, newest first. */
export async function listInvitations(
  db: PrismaClient,
  organizationId: string,
  now = new Date(),
): Promise<PendingInvitation[]> {
  const rows = await db.invitation.findMany({
    where: { organizationId, acceptedAt: null, revokedAt: null },
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    select: { id: true, email: true, role: true, expiresAt: true, inviter: { select: { name: true, email: true } } },
  });
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    role: r.role,
    expiresAt: r.expiresAt.toISOString(),
    expired: r.expiresAt <= now,
    invitedBy: r.inviter ? r.inviter.name || r.inviter.email : null,
  }));
}

/** Admins invite members and admins; only owners invite owners. */
function refuseRole(actorRole: MembershipRole, role: MembershipRole) {
  if (!hasRole(actorRole, "admin") || (role === "owner" && actorRole !== "owner")) throw new NotAllowed();
}

/**
 * Invites `email` (already lower-cased by emailSchema) with `role`, and queues the email in
 * the same transaction. Under the organization's row lock, so two invitations of one
 * address at once make one: a member's address, or one with an open invitation that has not
 * expired, is AlreadyInvited. An expired open invitation of the address is withdrawn.
 */
export async function inviteMember(
  db: PrismaClient,
  actor: Actor,
  input: { email: string; role: MembershipRole },
  { now = new Date(), ensureRoom }: { now?: Date; ensureRoom?: MembersChanged } = {},
): Promise<{ id: string }> {
  const email = input.email.toLowerCase();
  let id = "";
  await withOrganizationLocked(db, actor.organizationId, async (tx) => {
    refuseRole(await currentRole(tx, actor), input.role);
    const member = await tx.membership.findFirst({
      where: { organizationId: actor.organizationId, user: { email: { equals: email, mode: "insensitive" } } },
      select: { id: true },
    });
    if (member) throw new AlreadyInvited("member");
    const open = await tx.invitation.findMany({
      where: { organizationId: actor.organizationId, email, acceptedAt: null, revokedAt: null },
      select: { id: true, expiresAt: true, tokenHash: true },
    });
    if (open.some((o) => o.expiresAt > now)) throw new AlreadyInvited("pending");
    for (const old of open) await withdraw(tx, old, now, "a new invitation replaced it");
    // After the withdrawals: an invitation replaced is no longer taking room.
    await ensureRoom?.(tx, actor.organizationId);
    const token = newToken();
    const invitation = await tx.invitation.create({
      data: {
        organizationId: actor.organizationId,
        email,
        role: input.role,
        tokenHash: hashToken(token),
        expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
        inviterId: actor.userId,
      },
      select: { id: true, tokenHash: true, expiresAt: true },
    });
    await queueInvitationEmail(tx, actor, { ...invitation, email, role: input.role }, token);
    id = invitation.id;
  });
  return { id };
}

/**
 * Sends an open invitation again with a new link and 7 more days: the old link stops
 * working, and its email, if it has not gone out yet, is dropped.
 */
export async function resendInvitation(
  db: PrismaClient,
  actor: Actor,
  input: { invitationId: string },
  { now = new Date(), ensureRoom }: { now?: Date; ensureRoom?: MembersChanged } = {},
): Promise<void> {
  await withOpenInvitation(db, actor, input.invitationId, async (tx, invitation) => {
    // An expired invitation takes no room until it is sent again: it must fit, as a new one would.
    if (invitation.expiresAt <= now) await ensureRoom?.(tx, actor.organizationId);
    await cancelQueuedEmail(tx, emailKey(invitation), "the invitation was sent again");
    const token = newToken();
    const updated = await tx.invitation.update({
      where: { id: invitation.id },
      data: { tokenHash: hashToken(token), expiresAt: new Date(now.getTime() + INVITATION_TTL_MS) },
      select: { id: true, tokenHash: true, expiresAt: true, email: true, role: true },
    });
    await queueInvitationEmail(tx, actor, updated, token);
  });
}

/** Withdraws an open invitation: its link says so from now on, and its email, if not sent yet, is dropped. */
export async function revokeInvitation(
  db: PrismaClient,
  actor: Actor,
  input: { invitationId: string },
  now = new Date(),
): Promise<void> {
  await withOpenInvitation(db, actor, input.invitationId, (tx, invitation) =>
    withdraw(tx, invitation, now, "the invitation was revoked"),
  );
}

export type InvitationView = {
  organizationName: string;
  email: string;
  role: MembershipRole;
  invitedBy: string | null;
  expiresAt: string;
  /** Null while it can be accepted. */
  refusal: Exclude<InvitationRefusal, "other-email" | "invalid"> | null;
};

/** What a link's page shows; null for a token no invitation has (never issued, or replaced by a resend). */
export async function viewInvitation(
  db: PrismaClient,
  token: string,
  now = new Date(),
): Promise<InvitationView | null> {
  const invitation = await db.invitation.findUnique({
    where: { tokenHash: hashToken(token) },
    select: {
      email: true,
      role: true,
      expiresAt: true,
      acceptedAt: true,
      revokedAt: true,
      organization: { select: { name: true } },
      inviter: { select: { name: true, email: true } },
    },
  });
  if (!invitation) return null;
  return {
    organizationName: invitation.organization.name,
    email: invitation.email,
    role: invitation.role,
    invitedBy: invitation.inviter ? invitation.inviter.name || invitation.inviter.email : null,
    expiresAt: invitation.expiresAt.toISOString(),
    refusal: refusalOf(invitation, now),
  };
}

/**
 * Accepts the invitation for the user: they become a member with its role (a user who is
 * one already keeps their role), and the link is used up. Under the organization's row
 * lock, taken first as every change to its members and invitations takes it: a link opened
 * in two tabs is accepted once, and `membersChanged` counts the members of acceptances
 * racing for a plan's last seat one at a time. InvitationUnusable says why it cannot be.
 */
export async function acceptInvitation(
  db: PrismaClient,
  input: { token: string; userId: string },
  { now = new Date(), membersChanged }: { now?: Date; membersChanged?: MembersChanged } = {},
): Promise<{ organizationId: string }> {
  return db.$transaction(async (tx) => {
    const tokenHash = hashToken(input.token);
    const found = await tx.invitation.findFirst({ where: { tokenHash }, select: { id: true, organizationId: true } });
    if (!found) throw new InvitationUnusable("invalid");
    await tx.$queryRaw`SELECT id FROM organizations WHERE id = ${found.organizationId} FOR UPDATE`;
    // Read again under the lock: another tab may have used it, or a resend replaced its link.
    const invitation = await tx.invitation.findFirst({ where: { id: found.id, tokenHash } });
    if (!invitation) throw new InvitationUnusable("invalid");
    const refusal = refusalOf(invitation, now);
    if (refusal) throw new InvitationUnusable(refusal);
    const user = await tx.user.findUniqueOrThrow({ where: { id: input.userId }, select: { email: true } });
    if (user.email.toLowerCase() !== invitation.email.toLowerCase()) throw new InvitationUnusable("other-email");
    await tx.membership.upsert({
      where: { userId_organizationId: { userId: input.userId, organizationId: invitation.organizationId } },
      create: { userId: input.userId, organizationId: invitation.organizationId, role: invitation.role },
      update: {},
    });
    await tx.invitation.update({ where: { id: invitation.id }, data: { acceptedAt: now } });
    await membersChanged?.(tx, invitation.organizationId);
    return { organizationId: invitation.organizationId };
  });
}

function refusalOf(
  invitation: { acceptedAt: Date | null; revokedAt: Date | null; expiresAt: Date },
  now: Date,
): InvitationView["refusal"] {
  if (invitation.acceptedAt) return "accepted";
  if (invitation.revokedAt) return "revoked";
  if (invitation.expiresAt <= now) return "expired";
  return null;
}

type InvitationRow = { id: string; tokenHash: string; expiresAt: Date; email: string; role: MembershipRole };

/** One email per link: a resend makes a new key. */
const emailKey = (invitation: { id: string; tokenHash: string }) =>
  `invitation:${invitation.id}:${invitation.tokenHash.slice(0, 16)}`;

/**
 * Runs `change` on an open invitation of the actor's organization, under its row lock, once
 * the actor's role (read afresh) allows acting on the invitation's role. Another
 * organization's invitation, or one accepted or revoked, is InvitationNotFound.
 */
async function withOpenInvitation(
  db: PrismaClient,
  actor: Actor,
  invitationId: string,
  change: (tx: Tx, invitation: InvitationRow) => Promise<void>,
): Promise<void> {
  await withOrganizationLocked(db, actor.organizationId, async (tx) => {
    const actorRole = await currentRole(tx, actor);
    const invitation = await tx.invitation.findFirst({
      where: { id: invitationId, organizationId: actor.organizationId, acceptedAt: null, revokedAt: null },
      select: { id: true, tokenHash: true, expiresAt: true, email: true, role: true },
    });
    if (!invitation) throw new InvitationNotFound();
    refuseRole(actorRole, invitation.role);
    await change(tx, invitation);
  });
}

async function withdraw(tx: Tx, invitation: { id: string; tokenHash: string }, now: Date, reason: string) {
  await tx.invitation.update({ where: { id: invitation.id }, data: { revokedAt: now } });
  await cancelQueuedEmail(tx, emailKey(invitation), reason);
}

async function queueInvitationEmail(tx: Tx, actor: Actor, invitation: InvitationRow, token: string) {
  const [organization, inviter] = await Promise.all([
    tx.organization.findUniqueOrThrow({ where: { id: actor.organizationId }, select: { name: true } }),
    tx.user.findUniqueOrThrow({ where: { id: actor.userId }, select: { name: true, email: true } }),
  ]);
  await enqueueEmail(tx, {
    key: emailKey(invitation),
    kind: "invitation",
    to: invitation.email,
    data: {
      organizationName: organization.name,
      inviterName: inviter.name || inviter.email,
      role: invitation.role,
      expiresAt: Math.floor(invitation.expiresAt.getTime() / 1000),
    },
    secret: { token },
  });
}
