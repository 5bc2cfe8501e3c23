// Which organization a Stripe customer's metadata names (new organizationId, or the userId
// of customers made before organizations), and who Stripe writes to about an organization.
import { addMember, createOrganization, createUser } from "@saas/db/factories";
import { createTestDatabase, type TestDatabase } from "@saas/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { billingContact } from "./billing-contact.ts";
import { accountForMetadata, metadataNames } from "./customer-metadata.ts";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

/** Makes a membership look as old as `minutesAgo`, so "first" is not left to the clock's resolution. */
async function backdate(organizationId: string, userId: string, minutesAgo: number) {
  await database.db.membership.update({
    where: { userId_organizationId: { userId, organizationId } },
    data: { createdAt: new Date(Date.now() - minutesAgo * 60_000) },
  });
}

describe("metadataNames", () => {
  const organization = { id: "org_1", personalOf: "user_1" };

  it("goes by organizationId when there is one, whatever userId says", () => {
    expect(metadataNames({ organizationId: "org_1" }, organization)).toBe(true);
    expect(metadataNames({ organizationId: "org_2", userId: "user_1" }, organization)).toBe(false);
    expect(metadataNames({ organizationId: "org_1" }, { id: "org_1", personalOf: null })).toBe(true);
  });

  it("takes the old userId as naming only that user's personal organization", () => {
    expect(metadataNames({ userId: "user_1" }, organization)).toBe(true);
    expect(metadataNames({ userId: "user_2" }, organization)).toBe(false);
    expect(metadataNames({ userId: "user_1" }, { id: "org_1", personalOf: null })).toBe(false);
    expect(metadataNames({}, organization)).toBe(false);
  });
});

describe("accountForMetadata", () => {
  it("finds the named organization's account, or for old metadata the user's first organization's", async () => {
    const user = await createUser(database.db);
    const { organization: later, account: laterAccount } = await createOrganization(database.db, { owner: user.id });
    await backdate(user.organization.id, user.id, 60);

    expect(await accountForMetadata(database.db, { organizationId: later.id })).toMatchObject({
      id: laterAccount.id,
      organizationId: later.id,
    });
    expect(await accountForMetadata(database.db, { userId: user.id })).toMatchObject({
      id: user.account.id,
      organizationId: user.organization.id,
    });
  });

  it("finds nothing for metadata that names no one, or someone unknown", async () => {
    await createUser(database.db);
    expect(await accountForMetadata(database.db, {})).toBeNull();
    expect(await accountForMetadata(database.db, { userId: "no-such-user" })).toBeNull();
    expect(await accountForMetadata(database.db, { organizationId: "no-such-organization" })).toBeNull();
  });
});

describe("billingContact", () => {
  it("is the first owner's email and the organization's name: not an earlier admin's nor a later owner's", async () => {
    const [admin, first, second] = [
      await createUser(database.db),
      await createUser(database.db),
      await createUser(database.db),
    ];
    const { organization } = await createOrganization(database.db, { name: "Contact Co" });
    await addMember(database.db, organization.id, admin.id, "admin");
    await addMember(database.db, organization.id, second.id, "owner");
    await addMember(database.db, organization.id, first.id, "owner");
    await backdate(organization.id, admin.id, 30);
    await backdate(organization.id, first.id, 20);
    await backdate(organization.id, second.id, 10);

    expect(await billingContact(database.db, organization.id)).toEqual({
      email: first.email,
      name: "Contact Co",
      own: false,
    });
  });
});
