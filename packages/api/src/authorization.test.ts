// Who may call what, for every procedure of the router, over HTTP as a browser calls them.
// The table below names the least each procedure requires; a procedure missing from it
// fails the first test, so a new one cannot ship without saying who may call it.
import { startBillingHarness, TEST_APP_BASE_URL, type BillingHarness } from "@saas/billing/testing";
import { createUser } from "@saas/db/factories";
import type { MembershipRole } from "@saas/auth";
import type { AnyProcedure } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "./index.ts";
import { overTheWire, signedInAs, SIGNED_OUT } from "./testing.ts";

type Requirement = "public" | "signed-in" | MembershipRole;

const REQUIRES = {
  "billing.plans": "signed-in",
  "billing.status": "member",
  "billing.entitlement": "member",
  "billing.createCheckoutSession": "admin",
  "billing.syncCheckoutSession": "admin",
  "billing.createPortalSession": "admin",
  "billing.invoices": "admin",
  "billing.previewPlanChange": "admin",
  "billing.changePlan": "admin",
  "invitations.view": "public",
  "invitations.accept": "signed-in",
  "members.list": "member",
  "members.invite": "admin",
  "members.resendInvitation": "admin",
  "members.revokeInvitation": "admin",
  "members.changeRole": "admin",
  "members.remove": "admin",
  "members.leave": "member",
  "notifications.list": "member",
  "notifications.dismiss": "signed-in",
  "organizations.list": "signed-in",
  "organizations.create": "signed-in",
  "organizations.billingEmail": "admin",
  "organizations.updateBillingEmail": "owner",
} as const satisfies Record<string, Requirement>;

/** The callers, weakest first: each is granted what its rank reaches and refused the rest. */
const CALLERS = ["signed out", "no organization", "member", "admin", "owner"] as const;
type Caller = (typeof CALLERS)[number];
const RANK: Record<Requirement, number> = { public: 0, "signed-in": 1, member: 2, admin: 3, owner: 4 };
const CALLER_RANK: Record<Caller, number> = {
  "signed out": RANK.public,
  "no organization": RANK["signed-in"],
  member: RANK.member,
  admin: RANK.admin,
  owner: RANK.owner,
};

let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness({ catalog: true });
});
afterAll(() => h.close());

// At run time the router keeps its procedures flat, by dotted path (its type nests them).
const procedures = appRouter._def.procedures as unknown as Record<string, AnyProcedure>;

async function wireFor(caller: Caller) {
  const user = await createUser(h.db);
  const identity =
    caller === "signed out"
      ? SIGNED_OUT
      : caller === "no organization"
        ? { ...signedInAs(user), organization: null }
        : signedInAs(user, user.organization, caller);
  return overTheWire(TEST_APP_BASE_URL, () => ({ db: h.db, stripe: h.stripe, config: h.config, ...identity }));
}

/** Row counts of what a procedure could change, here and in Stripe. */
async function footprint() {
  const store = h.emulator.app.store;
  return {
    organizations: await h.db.organization.count(),
    memberships: await h.db.membership.count(),
    invitations: await h.db.invitation.count(),
    customers: store.customers.size,
    checkoutSessions: store.checkoutSessions.size,
    portalSessions: store.portalSessions.size,
  };
}

describe("authorization of every procedure", () => {
  it("has a requirement for every procedure the router serves, and none for one it does not", () => {
    expect(Object.keys(procedures).sort()).toEqual(Object.keys(REQUIRES).sort());
  });

  it("refuses each caller below the requirement (401 signed out, else 403) and changes nothing", async () => {
    const wires = await Promise.all(CALLERS.map(wireFor));
    const before = await footprint();
    const refused: string[] = [];
    for (const [index, caller] of CALLERS.entries()) {
      const wire = wires[index];
      if (!wire) continue;
      for (const [path, requirement] of Object.entries(REQUIRES)) {
        if (CALLER_RANK[caller] >= RANK[requirement]) continue;
        const send = procedures[path]?._def.type === "query" ? wire.get : wire.post;
        // Ids of someone else's organization, and otherwise valid-looking input: refused all the same.
        const response = await send(path, { organizationId: "someone-else", email: "x@example.com", role: "member" });
        refused.push(`${caller} → ${path}: ${response.status}`);
      }
    }
    expect(refused).toEqual(refused.map((line) => line.replace(/\d+$/, line.startsWith("signed out") ? "401" : "403")));
    expect(refused.length).toBeGreaterThan(40);
    expect(await footprint()).toEqual(before);
  });

  it("lets each caller at or above a procedure's requirement through to the procedure itself", async () => {
    const reached: string[] = [];
    for (const caller of CALLERS) {
      const wire = await wireFor(caller);
      for (const [path, requirement] of Object.entries(REQUIRES)) {
        if (CALLER_RANK[caller] < RANK[requirement]) continue;
        const send = procedures[path]?._def.type === "query" ? wire.get : wire.post;
        // Empty input: past the role check, the input's own validation (400) or the procedure answers.
        const response = await send(path, {});
        reached.push(`${caller} → ${path}: ${[401, 403].includes(response.status) ? "refused" : "reached"}`);
      }
    }
    expect(reached).toEqual(reached.map((line) => line.replace(/refused$/, "reached")));
    expect(reached.length).toBeGreaterThan(40);
  });
});
