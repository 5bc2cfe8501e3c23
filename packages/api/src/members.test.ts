// Settings -> Members through the procedures: who may change whom, the last owner, and ids
// of another organization's members.
import { startBillingHarness, type BillingHarness } from "@saas/billing/testing";
import { addMember, createOrganization, createUser } from "@saas/db/factories";
import type { MembershipRole } from "@saas/auth";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "./index.ts";
import { signedInAs } from "./testing.ts";

let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness();
});
afterAll(() => h.close());

async function organizationWith(...roles: MembershipRole[]) {
  const { organization } = await createOrganization(h.db, { name: "Crew" });
  const people = [];
  for (const role of roles) {
    const user = await createUser(h.db);
    await addMember(h.db, organization.id, user.id, role);
    people.push({
      user,
      role,
      caller: createCaller({ db: h.db, stripe: h.stripe, config: h.config, ...signedInAs(user, organization, role) }),
    });
  }
  return { organization, people };
}

const codeOf = (call: Promise<unknown>) =>
  call.then(
    () => "ok",
    (error: unknown) => (error instanceof TRPCError ? error.code : `not a TRPCError: ${String(error)}`),
  );
const roleOf = async (organizationId: string, userId: string) =>
  (await h.db.membership.findUnique({ where: { userId_organizationId: { userId, organizationId } } }))?.role ?? null;

describe("members", () => {
  it("lists the organization's members with their roles, to any member", async () => {
    const { people } = await organizationWith("owner", "admin", "member");
    const [, , member] = people;
    const listed = await member!.caller.members.list();
    expect(listed.members.map((m) => [m.userId, m.role])).toEqual(people.map((p) => [p.user.id, p.role]));
    expect(listed.you).toEqual({ userId: member!.user.id, role: "member" });
  });

  it("lets a member change no role and remove no one: FORBIDDEN, nothing changes", async () => {
    const { organization, people } = await organizationWith("owner", "member", "member");
    const [owner, member, other] = people;
    expect(await codeOf(member!.caller.members.changeRole({ userId: other!.user.id, role: "admin" }))).toBe(
      "FORBIDDEN",
    );
    expect(await codeOf(member!.caller.members.changeRole({ userId: member!.user.id, role: "owner" }))).toBe(
      "FORBIDDEN",
    );
    expect(await codeOf(member!.caller.members.remove({ userId: owner!.user.id }))).toBe("FORBIDDEN");
    expect(await roleOf(organization.id, other!.user.id)).toBe("member");
    expect(await roleOf(organization.id, owner!.user.id)).toBe("owner");
  });

  it("lets an admin move members and admins, but neither make nor touch owners", async () => {
    const { organization, people } = await organizationWith("owner", "admin", "member");
    const [owner, admin, member] = people;
    await admin!.caller.members.changeRole({ userId: member!.user.id, role: "admin" });
    expect(await roleOf(organization.id, member!.user.id)).toBe("admin");
    expect(await codeOf(admin!.caller.members.changeRole({ userId: member!.user.id, role: "owner" }))).toBe(
      "FORBIDDEN",
    );
    expect(await codeOf(admin!.caller.members.changeRole({ userId: owner!.user.id, role: "member" }))).toBe(
      "FORBIDDEN",
    );
    expect(await codeOf(admin!.caller.members.remove({ userId: owner!.user.id }))).toBe("FORBIDDEN");
    await admin!.caller.members.remove({ userId: member!.user.id });
    expect(await roleOf(organization.id, member!.user.id)).toBeNull();
  });

  it("keeps the last owner: they can neither leave nor be demoted, until there is another", async () => {
    const { organization, people } = await organizationWith("owner", "member");
    const [owner, member] = people;
    expect(await codeOf(owner!.caller.members.leave())).toBe("CONFLICT");
    expect(await codeOf(owner!.caller.members.changeRole({ userId: owner!.user.id, role: "admin" }))).toBe("CONFLICT");
    expect(await roleOf(organization.id, owner!.user.id)).toBe("owner");

    await owner!.caller.members.changeRole({ userId: member!.user.id, role: "owner" });
    await owner!.caller.members.leave();
    expect(await roleOf(organization.id, owner!.user.id)).toBeNull();
    expect(await roleOf(organization.id, member!.user.id)).toBe("owner");
  });

  it("keeps one owner when two owners demote each other at the same time", async () => {
    const { organization, people } = await organizationWith("owner", "owner");
    const [a, b] = people;
    const codes = await Promise.all([
      codeOf(a!.caller.members.changeRole({ userId: b!.user.id, role: "member" })),
      codeOf(b!.caller.members.changeRole({ userId: a!.user.id, role: "member" })),
    ]);
    // The second, under the organization's lock, finds itself demoted already: no owner may go.
    expect(codes.sort()).toEqual(["FORBIDDEN", "ok"]);
    expect(await h.db.membership.count({ where: { organizationId: organization.id, role: "owner" } })).toBe(1);
  });

  it("lets any member leave", async () => {
    const { organization, people } = await organizationWith("owner", "member");
    await people[1]!.caller.members.leave();
    expect(await roleOf(organization.id, people[1]!.user.id)).toBeNull();
  });

  it("answers NOT_FOUND for a user of another organization, and changes nothing there", async () => {
    const mine = await organizationWith("owner");
    const theirs = await organizationWith("owner", "member");
    const [owner] = mine.people;
    for (const victim of theirs.people) {
      const { id } = victim.user;
      expect(await codeOf(owner!.caller.members.changeRole({ userId: id, role: "member" }))).toBe("NOT_FOUND");
      expect(await codeOf(owner!.caller.members.remove({ userId: id }))).toBe("NOT_FOUND");
      expect(await roleOf(theirs.organization.id, id)).toBe(victim.role);
    }
  });
});
