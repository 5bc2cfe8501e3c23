import { addMember, createOrganization as createOrganizationRow, createUser } from "@saas/db/factories";
import { createTestDatabase, type TestDatabase } from "@saas/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NotAMember } from "./errors.ts";
import { createAuth } from "./lucia.ts";
import { createOrganization, listOrganizations, organizationSlug, switchOrganization } from "./organizations.ts";

let database: TestDatabase;
let auth: ReturnType<typeof createAuth>;
beforeAll(async () => {
  database = await createTestDatabase();
  auth = createAuth(database.db, { appBaseUrl: "http://localhost:3000" });
});
afterAll(() => database.drop());

const currentOf = async (sessionId: string) => (await auth.validateSession(sessionId)).session?.organization;

describe("organizationSlug", () => {
  it.each([
    ["Acme Inc.", /^acme-inc-[0-9a-f]{12}$/],
    ["  Ünïcödé  Team ", /^unicode-team-[0-9a-f]{12}$/],
    ["!!!", /^org-[0-9a-f]{12}$/],
  ])("%j → %s", (name, pattern) => {
    expect(organizationSlug(name)).toMatch(pattern);
  });
  it("never gives two organizations of one name the same slug", () => {
    expect(organizationSlug("Acme")).not.toBe(organizationSlug("Acme"));
  });
});

describe("the session's current organization", () => {
  it("is the personal organization of a new session", async () => {
    const user = await createUser(database.db);
    const session = await auth.createSession(user.id, {});
    expect(await currentOf(session.id)).toEqual({
      id: user.organization.id,
      name: user.organization.name,
      slug: user.organization.slug,
      role: "owner",
    });
  });

  it("follows a switch to an organization the user belongs to, with their role there", async () => {
    const user = await createUser(database.db);
    const team = await createOrganization(database.db, { userId: (await createUser(database.db)).id, name: "Team" });
    await addMember(database.db, team.id, user.id, "member");
    const session = await auth.createSession(user.id, {});
    await switchOrganization(database.db, { sessionId: session.id, userId: user.id, organizationId: team.id });
    expect(await currentOf(session.id)).toMatchObject({ id: team.id, name: "Team", role: "member" });
  });

  it("refuses a switch to an organization the user is not a member of, and keeps the current one", async () => {
    const user = await createUser(database.db);
    const other = await createUser(database.db);
    const session = await auth.createSession(user.id, {});
    await expect(
      switchOrganization(database.db, {
        sessionId: session.id,
        userId: user.id,
        organizationId: other.organization.id,
      }),
    ).rejects.toBeInstanceOf(NotAMember);
    // Another user's session cannot be pointed anywhere either, even at an organization of theirs.
    await expect(
      switchOrganization(database.db, {
        sessionId: session.id,
        userId: other.id,
        organizationId: other.organization.id,
      }),
    ).rejects.toBeInstanceOf(NotAMember);
    expect(await currentOf(session.id)).toMatchObject({ id: user.organization.id });
  });

  it("falls back to the personal organization on the next request once the membership is gone", async () => {
    const user = await createUser(database.db);
    const { organization: team } = await createOrganizationRow(database.db, { name: "Gone" });
    const membership = await addMember(database.db, team.id, user.id, "admin");
    const session = await auth.createSession(user.id, {});
    await switchOrganization(database.db, { sessionId: session.id, userId: user.id, organizationId: team.id });
    expect(await currentOf(session.id)).toMatchObject({ id: team.id, role: "admin" });
    await database.db.membership.delete({ where: { id: membership.id } });
    expect(await currentOf(session.id)).toMatchObject({ id: user.organization.id, role: "owner" });
  });
});

describe("createOrganization and listOrganizations", () => {
  it("creates an organization the user owns, with its billing account, listed after the personal one", async () => {
    const user = await createUser(database.db);
    const made = await createOrganization(database.db, { userId: user.id, name: "Acme" });
    expect(made.slug).toMatch(/^acme-[0-9a-f]{12}$/);
    expect(await database.db.account.count({ where: { organizationId: made.id } })).toBe(1);
    const listed = await listOrganizations(database.db, user.id);
    expect(listed.map((o) => [o.id, o.role])).toEqual([
      [user.organization.id, "owner"],
      [made.id, "owner"],
    ]);
  });
});
