// Roles and IDOR through the procedures: a member reads their organization's billing but
// cannot pay or manage it, and nothing a client sends reaches another organization.
import { startBillingHarness, TEST_APP_BASE_URL, type BillingHarness } from "@saas/billing/testing";
import { addMember, createOrganization, createSubscription, createUser } from "@saas/db/factories";
import type { MembershipRole } from "@saas/auth";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "./index.ts";
import { overTheWire, signedInAs } from "./testing.ts";

let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness({ catalog: true });
});
afterAll(() => h.close());

/** An organization with a paying customer, its owner, and a user of each role in it. */
async function team() {
  const owner = await createUser(h.db);
  const { organization, account } = await createOrganization(h.db, { name: "Team", owner: owner.id });
  const customer = await h.stripe.customers.create({
    email: owner.email,
    metadata: { organizationId: organization.id },
  });
  await h.db.account.update({ where: { id: account.id }, data: { stripeCustomerId: customer.id } });
  await createSubscription(h.db, { id: account.id, stripeCustomerId: customer.id }, { status: "active" });
  const as = async (role: MembershipRole) => {
    const user = await createUser(h.db);
    await addMember(h.db, organization.id, user.id, role);
    return { user, caller: callerIn(user, organization, role) };
  };
  return { owner, organization, customer, as };
}

type TestUser = Parameters<typeof signedInAs>[0];
const callerIn = (user: TestUser, organization: TestUser["organization"], role: MembershipRole) =>
  createCaller({ db: h.db, stripe: h.stripe, config: h.config, ...signedInAs(user, organization, role) });

async function codeOf(call: Promise<unknown>): Promise<string> {
  return call.then(
    () => "ok",
    (error: unknown) => (error instanceof TRPCError ? error.code : `not a TRPCError: ${String(error)}`),
  );
}

const portalSessionsOf = (customerId: string) =>
  [...h.emulator.app.store.portalSessions.values()].filter((s) => s.customer === customerId).length;

describe("roles", () => {
  it("gives a member the plan and its status read-only: checkout, portal and deep links are FORBIDDEN", async () => {
    const { as, customer } = await team();
    const { caller } = await as("member");
    const status = await caller.billing.status();
    expect(status).toMatchObject({ hasBillingProfile: true, canManage: false, subscription: { status: "active" } });
    expect(await caller.billing.entitlement()).toEqual({ access: "full", reason: "Subscription active" });

    const sessionsBefore = portalSessionsOf(customer.id);
    for (const call of [
      caller.billing.createPortalSession(),
      caller.billing.createPortalSession({ flow: "payment_method_update" }),
      caller.billing.createPortalSession({ flow: "subscription_cancel" }),
      caller.billing.createCheckoutSession({ lookupKey: "team_monthly" }),
      caller.billing.syncCheckoutSession({ sessionId: "cs_test_any" }),
    ]) {
      expect(await codeOf(call)).toBe("FORBIDDEN");
    }
    expect(portalSessionsOf(customer.id)).toBe(sessionsBefore);
  });

  it("lets owners and admins open the organization's own portal", async () => {
    const { as, customer } = await team();
    for (const role of ["admin", "owner"] as const) {
      const { caller } = await as(role);
      expect((await caller.billing.status()).canManage).toBe(true);
      const before = portalSessionsOf(customer.id);
      await expect(caller.billing.createPortalSession()).resolves.toHaveProperty("redirectUrl");
      expect(portalSessionsOf(customer.id)).toBe(before + 1);
    }
  });

  it("starts an admin's checkout for the organization's customer, not the admin's personal one", async () => {
    const owner = await createUser(h.db);
    const { organization } = await createOrganization(h.db, { name: "Fresh", owner: owner.id });
    const admin = await createUser(h.db);
    await addMember(h.db, organization.id, admin.id, "admin");
    const { redirectUrl } = await callerIn(admin, organization, "admin").billing.createCheckoutSession({
      lookupKey: "team_monthly",
    });
    const session = await h.stripe.checkout.sessions.retrieve(redirectUrl.match(/cs_test_\w+/)?.[0] ?? "");
    const account = await h.db.account.findUniqueOrThrow({ where: { organizationId: organization.id } });
    expect(session.customer).toBe(account.stripeCustomerId);
    expect(session.metadata).toEqual({ organizationId: organization.id });
    expect((await h.db.account.findUniqueOrThrow({ where: { id: admin.account.id } })).stripeCustomerId).toBeNull();
  });

  it("answers FORBIDDEN to organization procedures when the session has no organization", async () => {
    const user = await createUser(h.db);
    const caller = createCaller({ db: h.db, stripe: h.stripe, config: h.config, user, organization: null });
    expect(await codeOf(caller.billing.status())).toBe("FORBIDDEN");
    expect(await codeOf(caller.billing.entitlement())).toBe("FORBIDDEN");
    expect(await codeOf(caller.notifications.list())).toBe("FORBIDDEN");
  });
});

describe("IDOR", () => {
  it("acts on the caller's organization whatever ids the request carries", async () => {
    const victim = await team();
    const attacker = await createUser(h.db);
    const ids = {
      organizationId: victim.organization.id,
      customerId: victim.customer.id,
      customer: victim.customer.id,
      accountId: victim.organization.id,
    };
    const { get, post } = overTheWire(TEST_APP_BASE_URL, () => ({
      db: h.db,
      stripe: h.stripe,
      config: h.config,
      ...signedInAs(attacker),
    }));

    const status = (await (await get("billing.status", ids)).json()) as { result: { data: unknown } };
    expect(status.result.data).toMatchObject({ hasBillingProfile: false, subscription: null });
    const entitlement = (await (await get("billing.entitlement", ids)).json()) as { result: { data: unknown } };
    expect(entitlement.result.data).toMatchObject({ access: "none" });

    const before = portalSessionsOf(victim.customer.id);
    // The attacker's own organization has no customer yet: the portal has nothing to open for them.
    expect((await post("billing.createPortalSession", ids)).status).toBe(412);
    expect(portalSessionsOf(victim.customer.id)).toBe(before);
    const checkout = (await (
      await post("billing.createCheckoutSession", { ...ids, lookupKey: "pro_monthly" })
    ).json()) as {
      result: { data: { redirectUrl: string } };
    };
    const session = await h.stripe.checkout.sessions.retrieve(
      checkout.result.data.redirectUrl.match(/cs_test_\w+/)?.[0] ?? "",
    );
    expect(session.customer).not.toBe(victim.customer.id);
    expect(session.metadata).toEqual({ organizationId: attacker.organization.id });

    const listed = (await (await get("organizations.list", ids)).json()) as { result: { data: Array<{ id: string }> } };
    expect(listed.result.data.map((o) => o.id)).toEqual([attacker.organization.id]);
  });

  it("never lets a member of one organization see another's notifications", async () => {
    const victim = await team();
    const { user: member, caller } = await victim.as("member");
    const note = await h.db.notification.create({
      data: {
        userId: member.id,
        organizationId: member.organization.id,
        kind: "payment_failed",
        title: "t",
        body: "b",
      },
    });
    // Working in the team, the member's personal organization's alerts are not listed.
    expect((await caller.notifications.list()).map((n) => n.id)).not.toContain(note.id);
    expect((await callerIn(member, member.organization, "owner").notifications.list()).map((n) => n.id)).toEqual([
      note.id,
    ]);
  });
});

describe("organizations", () => {
  it("creates an organization the caller owns, and lists it with the current one marked", async () => {
    const user = await createUser(h.db);
    const caller = callerIn(user, user.organization, "owner");
    const made = await caller.organizations.create({ name: "  Skunkworks " });
    expect(made).toMatchObject({ name: "Skunkworks", slug: expect.stringMatching(/^skunkworks-/) as string });
    expect(await h.db.membership.findFirst({ where: { organizationId: made.id, userId: user.id } })).toMatchObject({
      role: "owner",
    });
    expect((await caller.organizations.list()).map((o) => [o.id, o.role, o.current])).toEqual([
      [user.organization.id, "owner", true],
      [made.id, "owner", false],
    ]);
    expect(await codeOf(caller.organizations.create({ name: "   " }))).toBe("BAD_REQUEST");
  });
});

describe("billing email", () => {
  const stripeEmail = async (customerId: string) =>
    ((await h.stripe.customers.retrieve(customerId)) as { email: string }).email;

  it("lets an owner set and clear it, the Stripe customer following; admins read it, members cannot", async () => {
    const { owner, organization, customer, as } = await team();
    const ownerCaller = callerIn(owner, organization, "owner");
    expect(await ownerCaller.organizations.billingEmail()).toEqual({ email: owner.email, custom: false });

    expect(await ownerCaller.organizations.updateBillingEmail({ billingEmail: "  Finance@Example.NET " })).toEqual({
      email: "finance@example.net",
      custom: true,
    });
    expect(await stripeEmail(customer.id)).toBe("finance@example.net");

    const { caller: admin } = await as("admin");
    expect(await admin.organizations.billingEmail()).toEqual({ email: "finance@example.net", custom: true });
    expect(await codeOf(admin.organizations.updateBillingEmail({ billingEmail: "admin@example.net" }))).toBe(
      "FORBIDDEN",
    );
    const { caller: member } = await as("member");
    expect(await codeOf(member.organizations.billingEmail())).toBe("FORBIDDEN");
    expect(await codeOf(member.organizations.updateBillingEmail({ billingEmail: null }))).toBe("FORBIDDEN");
    expect(await stripeEmail(customer.id)).toBe("finance@example.net");

    expect(await ownerCaller.organizations.updateBillingEmail({ billingEmail: null })).toEqual({
      email: owner.email,
      custom: false,
    });
    expect(await stripeEmail(customer.id)).toBe(owner.email);
  });

  it("refuses an invalid address and changes nothing", async () => {
    const { owner, organization, customer } = await team();
    const caller = callerIn(owner, organization, "owner");
    await caller.organizations.updateBillingEmail({ billingEmail: "ap@example.net" });
    for (const billingEmail of ["not an email", "", `${"a".repeat(250)}@example.net`])
      expect(await codeOf(caller.organizations.updateBillingEmail({ billingEmail }))).toBe("BAD_REQUEST");
    expect(await caller.organizations.billingEmail()).toEqual({ email: "ap@example.net", custom: true });
    expect(await stripeEmail(customer.id)).toBe("ap@example.net");
  });

  it("changes only the caller's current organization", async () => {
    const { owner, organization } = await team();
    const { organization: other } = await createOrganization(h.db, {
      owner: owner.id,
      billingEmail: "other@example.net",
    });
    await callerIn(owner, organization, "owner").organizations.updateBillingEmail({ billingEmail: "mine@example.net" });
    const stored = await h.db.organization.findUniqueOrThrow({ where: { id: other.id } });
    expect(stored.billingEmail).toBe("other@example.net");
  });
});
