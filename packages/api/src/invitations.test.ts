// Invitations through the procedures: only owners and admins invite, resend and revoke;
// another organization's invitation ids reach nothing; a link is accepted by its address only.
import { startBillingHarness, type BillingHarness } from "@saas/billing/testing";
import { addMember, createOrganization, createUser } from "@saas/db/factories";
import type { MembershipRole } from "@saas/auth";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "./index.ts";
import { invitationTokenFor, signedInAs } from "./testing.ts";

let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness();
});
afterAll(() => h.close());

async function member(organizationId: string, role: MembershipRole, email?: string) {
  const user = await createUser(h.db, email ? { email } : {});
  const organization = await h.db.organization.findUniqueOrThrow({ where: { id: organizationId } });
  await addMember(h.db, organizationId, user.id, role);
  return { user, caller: createCaller({ ...deps(), ...signedInAs(user, organization, role) }) };
}
const deps = () => ({ db: h.db, stripe: h.stripe, config: h.config });
const signedOut = () => createCaller({ ...deps(), user: null, organization: null });

const codeOf = (call: Promise<unknown>) =>
  call.then(
    () => "ok",
    (error: unknown) => (error instanceof TRPCError ? error.code : `not a TRPCError: ${String(error)}`),
  );
const address = () => `invited-${Date.now()}-${Math.random().toString(16).slice(2, 8)}@example.com`;

const tokenFor = (email: string) => invitationTokenFor(h.db, email);

describe("invitations", () => {
  it("a member can neither invite, nor see, resend or revoke invitations", async () => {
    const { organization } = await createOrganization(h.db);
    const admin = await member(organization.id, "admin");
    const plain = await member(organization.id, "member");
    const { id } = await admin.caller.members.invite({ email: address(), role: "member" });
    expect(await codeOf(plain.caller.members.invite({ email: address(), role: "member" }))).toBe("FORBIDDEN");
    expect(await codeOf(plain.caller.members.resendInvitation({ invitationId: id }))).toBe("FORBIDDEN");
    expect(await codeOf(plain.caller.members.revokeInvitation({ invitationId: id }))).toBe("FORBIDDEN");
    expect((await plain.caller.members.list()).invitations).toEqual([]);
    expect((await admin.caller.members.list()).invitations.map((i) => i.id)).toEqual([id]);
    expect(await h.db.invitation.count({ where: { organizationId: organization.id } })).toBe(1);
  });

  it("an owner of X reaches no invitation of Y, whatever id is sent", async () => {
    const x = (await createOrganization(h.db)).organization;
    const y = (await createOrganization(h.db)).organization;
    const ownerX = await member(x.id, "owner");
    const ownerY = await member(y.id, "owner");
    const { id } = await ownerY.caller.members.invite({ email: address(), role: "admin" });
    expect(await codeOf(ownerX.caller.members.resendInvitation({ invitationId: id }))).toBe("NOT_FOUND");
    expect(await codeOf(ownerX.caller.members.revokeInvitation({ invitationId: id }))).toBe("NOT_FOUND");
    expect(await h.db.invitation.findUniqueOrThrow({ where: { id } })).toMatchObject({ revokedAt: null });
  });

  it("bad input is BAD_REQUEST with the field named, and nothing is stored", async () => {
    const { organization } = await createOrganization(h.db);
    const owner = await member(organization.id, "owner");
    const error = await owner.caller.members
      .invite({ email: "not an email", role: "member" })
      .catch((e: unknown) => e as TRPCError);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("BAD_REQUEST");
    expect(await codeOf(owner.caller.members.invite({ email: address(), role: "boss" as "member" }))).toBe(
      "BAD_REQUEST",
    );
    expect(await h.db.invitation.count({ where: { organizationId: organization.id } })).toBe(0);
  });

  it("the link: anyone may read it; only the invited address accepts it, once", async () => {
    const { organization } = await createOrganization(h.db, { name: "Link Co" });
    const owner = await member(organization.id, "owner");
    const email = address();
    await owner.caller.members.invite({ email, role: "member" });
    const token = await tokenFor(email);

    expect(await signedOut().invitations.view({ token })).toMatchObject({
      organizationName: "Link Co",
      email,
      refusal: null,
      forYou: null,
    });
    expect(await codeOf(signedOut().invitations.accept({ token }))).toBe("UNAUTHORIZED");

    const stranger = await createUser(h.db);
    const strangerCaller = createCaller({
      ...deps(),
      user: { id: stranger.id, email: stranger.email },
      organization: null,
    });
    expect((await strangerCaller.invitations.view({ token }))?.forYou).toBe(false);
    expect(await codeOf(strangerCaller.invitations.accept({ token }))).toBe("FORBIDDEN");

    const invited = await createUser(h.db, { email: email.toUpperCase() });
    const invitedCaller = createCaller({
      ...deps(),
      user: { id: invited.id, email: invited.email },
      organization: null,
    });
    expect((await invitedCaller.invitations.view({ token }))?.forYou).toBe(true);
    expect(await invitedCaller.invitations.accept({ token })).toEqual({ organizationId: organization.id });
    expect(await codeOf(invitedCaller.invitations.accept({ token }))).toBe("CONFLICT");
    expect(await signedOut().invitations.view({ token: "made-up" })).toBeNull();
    const roles = await h.db.membership.findMany({
      where: { organizationId: organization.id },
      select: { userId: true },
    });
    expect(roles.map((r) => r.userId).sort()).toEqual([owner.user.id, invited.id].sort());
  });
});
