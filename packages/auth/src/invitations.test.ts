// Invitations: who may send them, one open invitation per address, the single-use link
// (its token only in the queued email's job), and who may accept it.
import { addMember, createUser } from "@saas/db/factories";
import { createTestDatabase, type TestDatabase } from "@saas/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlreadyInvited, InvitationNotFound, InvitationUnusable, NotAllowed } from "./errors.ts";
import {
  acceptInvitation,
  INVITATION_TTL_MS,
  inviteMember,
  listInvitations,
  resendInvitation,
  revokeInvitation,
  viewInvitation,
} from "./invitations.ts";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

const invitee = () => `Invitee-${Date.now()}-${Math.random().toString(16).slice(2, 8)}@Example.com`.toLowerCase();

async function ownerOfNewOrganization() {
  const owner = await createUser(database.db, { name: "Olivia Owner" });
  return { owner, actor: { userId: owner.id, organizationId: owner.organization.id, role: "owner" as const } };
}

/** The tokens of the queued invitation emails to `email`, oldest first (only their jobs hold them). */
async function tokensFor(email: string): Promise<string[]> {
  const rows = await database.db.$queryRaw<Array<{ token: string }>>`
    SELECT j.payload->'secret'->>'token' AS token
    FROM graphile_worker._private_jobs j JOIN email_log e ON j.key = 'email:' || e.key
    WHERE e.recipient = ${email} AND e.status = 'queued' ORDER BY j.id`;
  return rows.map((r) => r.token);
}

async function inviteAndToken(actor: Parameters<typeof inviteMember>[1], email = invitee(), role = "member" as const) {
  const { id } = await inviteMember(database.db, actor, { email, role });
  const [token] = await tokensFor(email);
  if (!token) throw new Error("no invitation email was queued");
  return { id, email, token };
}

describe("inviting", () => {
  it("stores only the token's hash and queues one email to the address", async () => {
    const { actor } = await ownerOfNewOrganization();
    const { id, email, token } = await inviteAndToken(actor);
    const row = await database.db.invitation.findUniqueOrThrow({ where: { id } });
    expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBeGreaterThan(INVITATION_TTL_MS - 60_000);
    const emails = await database.db.emailLog.findMany({ where: { recipient: email } });
    expect(emails.map((e) => [e.kind, e.status])).toEqual([["invitation", "queued"]]);
    expect(JSON.stringify(emails)).not.toContain(token);
    expect(emails[0]?.data).toMatchObject({ inviterName: "Olivia Owner", role: "member" });
  });

  it("refuses a member's address (whatever its case) and a second open invitation", async () => {
    const { owner, actor } = await ownerOfNewOrganization();
    const member = await createUser(database.db);
    await addMember(database.db, owner.organization.id, member.id);
    await expect(
      inviteMember(database.db, actor, { email: member.email.toUpperCase(), role: "member" }),
    ).rejects.toEqual(new AlreadyInvited("member"));
    const email = invitee();
    await inviteMember(database.db, actor, { email, role: "member" });
    await expect(inviteMember(database.db, actor, { email, role: "admin" })).rejects.toEqual(
      new AlreadyInvited("pending"),
    );
    expect(await database.db.invitation.count({ where: { organizationId: owner.organization.id } })).toBe(1);
  });

  it("ten invitations of one address at once make one", async () => {
    const { owner, actor } = await ownerOfNewOrganization();
    const email = invitee();
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => inviteMember(database.db, actor, { email, role: "member" })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await database.db.invitation.count({ where: { organizationId: owner.organization.id } })).toBe(1);
    expect(await tokensFor(email)).toHaveLength(1);
  });

  it("a member may not invite; an admin may not invite an owner; an owner may", async () => {
    const { owner, actor } = await ownerOfNewOrganization();
    const [member, admin] = [await createUser(database.db), await createUser(database.db)];
    await addMember(database.db, owner.organization.id, member.id, "member");
    await addMember(database.db, owner.organization.id, admin.id, "admin");
    const as = (userId: string) => ({ userId, organizationId: owner.organization.id, role: "owner" as const });
    // The role comes from the database under the lock, not from what the actor claims.
    await expect(inviteMember(database.db, as(member.id), { email: invitee(), role: "member" })).rejects.toBeInstanceOf(
      NotAllowed,
    );
    await expect(inviteMember(database.db, as(admin.id), { email: invitee(), role: "owner" })).rejects.toBeInstanceOf(
      NotAllowed,
    );
    await inviteMember(database.db, as(admin.id), { email: invitee(), role: "admin" });
    await inviteMember(database.db, actor, { email: invitee(), role: "owner" });
    expect(await listInvitations(database.db, owner.organization.id)).toHaveLength(2);
  });

  it("another organization's invitation cannot be resent or revoked", async () => {
    const { actor } = await ownerOfNewOrganization();
    const other = await ownerOfNewOrganization();
    const { id } = await inviteAndToken(other.actor);
    await expect(resendInvitation(database.db, actor, { invitationId: id })).rejects.toBeInstanceOf(InvitationNotFound);
    await expect(revokeInvitation(database.db, actor, { invitationId: id })).rejects.toBeInstanceOf(InvitationNotFound);
    expect(await database.db.invitation.findUniqueOrThrow({ where: { id } })).toMatchObject({ revokedAt: null });
  });
});

describe("the link", () => {
  it("is accepted once, by the invited address in any case; the user joins with the role", async () => {
    const { owner, actor } = await ownerOfNewOrganization();
    const { email, token } = await inviteAndToken(actor, invitee(), "member");
    const user = await createUser(database.db, { email: email.toUpperCase() });
    expect(await viewInvitation(database.db, token)).toMatchObject({
      organizationName: owner.organization.name,
      email,
      role: "member",
      invitedBy: "Olivia Owner",
      refusal: null,
    });
    const accepted = await Promise.allSettled([
      acceptInvitation(database.db, { token, userId: user.id }),
      acceptInvitation(database.db, { token, userId: user.id }),
    ]);
    expect(accepted.map((a) => a.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(accepted.find((a) => a.status === "rejected")).toMatchObject({ reason: new InvitationUnusable("accepted") });
    const membership = await database.db.membership.findUniqueOrThrow({
      where: { userId_organizationId: { userId: user.id, organizationId: owner.organization.id } },
    });
    expect(membership.role).toBe("member");
    expect((await viewInvitation(database.db, token))?.refusal).toBe("accepted");
    expect(await listInvitations(database.db, owner.organization.id)).toEqual([]);
  });

  it("refuses another user, and leaves the invitation open for the right one", async () => {
    const { owner, actor } = await ownerOfNewOrganization();
    const { token } = await inviteAndToken(actor);
    const stranger = await createUser(database.db);
    await expect(acceptInvitation(database.db, { token, userId: stranger.id })).rejects.toEqual(
      new InvitationUnusable("other-email"),
    );
    expect(await database.db.membership.count({ where: { organizationId: owner.organization.id } })).toBe(1);
    expect((await viewInvitation(database.db, token))?.refusal).toBeNull();
  });

  it("an expired, a revoked and an unknown link are refused and change nothing", async () => {
    const { owner, actor } = await ownerOfNewOrganization();
    const expired = await inviteAndToken(actor);
    const later = new Date(Date.now() + INVITATION_TTL_MS + 1_000);
    const expiredUser = await createUser(database.db, { email: expired.email });
    expect((await viewInvitation(database.db, expired.token, later))?.refusal).toBe("expired");
    await expect(
      acceptInvitation(database.db, { token: expired.token, userId: expiredUser.id }, { now: later }),
    ).rejects.toEqual(new InvitationUnusable("expired"));

    const revoked = await inviteAndToken(actor);
    await revokeInvitation(database.db, actor, { invitationId: revoked.id });
    const revokedUser = await createUser(database.db, { email: revoked.email });
    expect((await viewInvitation(database.db, revoked.token))?.refusal).toBe("revoked");
    await expect(acceptInvitation(database.db, { token: revoked.token, userId: revokedUser.id })).rejects.toEqual(
      new InvitationUnusable("revoked"),
    );
    // Its email had not gone out: it never will.
    expect(await tokensFor(revoked.email)).toEqual([]);

    expect(await viewInvitation(database.db, "not-a-token-anyone-was-given")).toBeNull();
    await expect(acceptInvitation(database.db, { token: "nope", userId: revokedUser.id })).rejects.toEqual(
      new InvitationUnusable("invalid"),
    );
    expect(await database.db.membership.count({ where: { organizationId: owner.organization.id } })).toBe(1);
  });

  it("a resend gives a new link and 7 more days; the old link stops working and its email is dropped", async () => {
    const { actor } = await ownerOfNewOrganization();
    const first = await inviteAndToken(actor);
    const later = new Date(Date.now() + INVITATION_TTL_MS - 60_000);
    await resendInvitation(database.db, actor, { invitationId: first.id }, { now: later });
    const tokens = await tokensFor(first.email);
    expect(tokens).toHaveLength(1);
    const [second] = tokens;
    expect(second).not.toBe(first.token);
    expect(await viewInvitation(database.db, first.token)).toBeNull();
    const view = await viewInvitation(database.db, second ?? "", new Date(later.getTime() + INVITATION_TTL_MS - 1_000));
    expect(view?.refusal).toBeNull();
  });

  it("an expired open invitation may be replaced by a new one", async () => {
    const { owner, actor } = await ownerOfNewOrganization();
    const first = await inviteAndToken(actor);
    const later = new Date(Date.now() + INVITATION_TTL_MS + 1_000);
    await inviteMember(database.db, actor, { email: first.email, role: "admin" }, { now: later });
    const open = await listInvitations(database.db, owner.organization.id, later);
    expect(open.map((i) => [i.email, i.role, i.expired])).toEqual([[first.email, "admin", false]]);
    expect((await viewInvitation(database.db, first.token, later))?.refusal).toBe("revoked");
  });
});
