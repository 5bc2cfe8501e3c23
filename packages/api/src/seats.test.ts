// Seats through the procedures: a Team subscription's quantity on Stripe follows the
// organization's members as they accept invitations, leave and are removed, through the
// queue's seat job, concurrently, with one or a few Stripe updates for a burst.
import { drainQueue, makeScheduledJobsDueNow, startBillingHarness, type BillingHarness } from "@saas/billing/testing";
import { createUser } from "@saas/db/factories";
import type { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "./index.ts";
import { invitationTokenFor, signedInAs } from "./testing.ts";

let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness({ catalog: true });
});
afterAll(() => h.close());

const deps = () => ({ db: h.db, stripe: h.stripe, config: h.config });
type TestUser = Parameters<typeof signedInAs>[0];
const callerOf = (user: TestUser, organization = user.organization, role: "owner" | "admin" | "member" = "owner") =>
  createCaller({ ...deps(), ...signedInAs(user, organization, role) });
const address = (who: string) => `${who}-${Date.now()}-${Math.random().toString(16).slice(2, 8)}@example.com`;

const tokenFor = (email: string) => invitationTokenFor(h.db, email);

/** An owner whose personal organization subscribed to `lookupKey` through Checkout. */
async function subscribedOwner(lookupKey: "team_monthly" | "pro_monthly") {
  const owner = await createUser(h.db);
  const caller = callerOf(owner);
  const { redirectUrl } = await caller.billing.createCheckoutSession({ lookupKey });
  const sessionId = redirectUrl.match(/cs_test_\w+/)?.[0] ?? "";
  await h.control.completeCheckout(sessionId, {});
  await caller.billing.syncCheckoutSession({ sessionId });
  const account = await h.db.account.findUniqueOrThrow({ where: { organizationId: owner.organization.id } });
  const [subscription] = (await h.stripe.subscriptions.list({ customer: account.stripeCustomerId ?? "" })).data;
  if (!subscription) throw new Error("checkout made no subscription");
  return { owner, caller, subscription, sessionId };
}

/** `count` people invited by the owner and signed up with the invited address, each with their token. */
async function invitees(owner: ReturnType<typeof callerOf>, count: number) {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const email = address("seat");
      await owner.members.invite({ email, role: "member" });
      const user = await createUser(h.db, { email });
      return { user, token: await tokenFor(email) };
    }),
  );
}

const quantityOf = async (subscriptionId: string) =>
  (await h.stripe.subscriptions.retrieve(subscriptionId)).items.data[0]?.quantity;

/** Runs the queued seat jobs now (they wait a moment for a burst to end), counting Stripe's subscription updates. */
async function runSeatJobs(subscriptionId: string): Promise<number> {
  type RequestEvent = { method: string; path: string };
  const events = h.stripe as unknown as {
    on(event: "request", listener: (request: RequestEvent) => void): void;
    off(event: "request", listener: (request: RequestEvent) => void): void;
  };
  let updates = 0;
  const count = (request: RequestEvent) => {
    if (request.method === "POST" && request.path === `/v1/subscriptions/${subscriptionId}`) updates++;
  };
  events.on("request", count);
  try {
    await makeScheduledJobsDueNow(h.db);
    await drainQueue(h);
    return updates;
  } finally {
    events.off("request", count);
  }
}

describe("seats", () => {
  it("starts a Team checkout with a seat per member, and a flat plan with one", async () => {
    const owner = await createUser(h.db);
    const caller = callerOf(owner);
    const [joiner] = await invitees(caller, 1);
    if (!joiner) throw new Error("no invitee");
    await callerOf(joiner.user, owner.organization, "member").invitations.accept({ token: joiner.token });

    for (const [lookupKey, seats] of [
      ["team_monthly", 2],
      ["pro_monthly", 1],
    ] as const) {
      const { redirectUrl } = await caller.billing.createCheckoutSession({ lookupKey });
      const sessionId = redirectUrl.match(/cs_test_\w+/)?.[0] ?? "";
      const items = await h.stripe.checkout.sessions.listLineItems(sessionId);
      expect([lookupKey, items.data.map((item) => item.quantity)]).toEqual([lookupKey, [seats]]);
    }
  });

  it("refuses a flat plan's checkout when the members do not fit, saying what to do; no session", async () => {
    const owner = await createUser(h.db);
    const caller = callerOf(owner);
    for (const { user, token } of await invitees(caller, 1))
      await callerOf(user, owner.organization, "member").invitations.accept({ token });
    const sessionsBefore = h.emulator.app.store.checkoutSessions.size;
    await expect(caller.billing.createCheckoutSession({ lookupKey: "starter_monthly" })).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      message:
        "The Starter plan is for up to 1 member, and this organization has 2. " +
        "Choose Team, billed per seat, or remove members first.",
    });
    expect(h.emulator.app.store.checkoutSessions.size).toBe(sessionsBefore);
    expect((await caller.billing.plans()).map((plan) => [plan.key, plan.perSeat, plan.memberLimit])).toEqual([
      ["starter", false, 1],
      ["pro", false, 5],
      ["team", true, null],
    ]);
  });

  it("switches a Pro organization to Team with a seat per member, and back to Pro as one unit", async () => {
    const { owner, caller, subscription } = await subscribedOwner("pro_monthly");
    for (const { user, token } of await invitees(caller, 2))
      await callerOf(user, owner.organization, "member").invitations.accept({ token });
    const preview = await caller.billing.previewPlanChange({ lookupKey: "team_monthly" });
    expect(preview).toMatchObject({ planName: "Team", quantity: 3, recurringAmount: 3_600, dueNow: null });
    await caller.billing.changePlan({ lookupKey: "team_monthly", prorationDate: preview.prorationDate });
    expect((await h.stripe.subscriptions.retrieve(subscription.id)).items.data[0]).toMatchObject({
      price: { lookup_key: "team_monthly" },
      quantity: 3,
    });
    expect((await caller.billing.status()).subscription).toMatchObject({ planName: "Team", seats: { quantity: 3 } });

    const back = await caller.billing.previewPlanChange({ lookupKey: "pro_monthly" });
    await caller.billing.changePlan({ lookupKey: "pro_monthly", prorationDate: back.prorationDate });
    expect(await quantityOf(subscription.id)).toBe(1);
    // Too many members for Starter: refused with what to do, and nothing changes.
    await expect(caller.billing.previewPlanChange({ lookupKey: "starter_monthly" })).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      message: expect.stringContaining(
        "The Starter plan is for up to 1 member, and this organization has 3.",
      ) as string,
    });
    await expect(
      caller.billing.changePlan({ lookupKey: "starter_monthly", prorationDate: back.prorationDate }),
    ).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
    expect((await h.stripe.subscriptions.retrieve(subscription.id)).items.data[0]?.price.lookup_key).toBe(
      "pro_monthly",
    );
  });

  it("10 invitations accepted at once make exactly 11 seats in Stripe, with one or a few updates", async () => {
    const { owner, caller, subscription } = await subscribedOwner("team_monthly");
    expect(subscription.items.data[0]?.quantity).toBe(1);
    const joiners = await invitees(caller, 10);

    await Promise.all(
      joiners.map(({ user, token }) => callerOf(user, owner.organization, "member").invitations.accept({ token })),
    );
    const updates = await runSeatJobs(subscription.id);

    expect(await quantityOf(subscription.id)).toBe(11);
    expect(updates).toBeGreaterThanOrEqual(1);
    expect(updates).toBeLessThanOrEqual(3);
    // Nothing left to do: another run changes nothing.
    expect(await runSeatJobs(subscription.id)).toBe(0);
  });

  it("keeps the count right when members are removed and leave while others join", async () => {
    const { owner, caller, subscription } = await subscribedOwner("team_monthly");
    const first = await invitees(caller, 6);
    await Promise.all(
      first.map(({ user, token }) => callerOf(user, owner.organization, "member").invitations.accept({ token })),
    );
    await runSeatJobs(subscription.id);
    expect(await quantityOf(subscription.id)).toBe(7);

    const second = await invitees(caller, 4);
    const [leaver, ...removed] = first;
    await Promise.all([
      ...second.map(({ user, token }) => callerOf(user, owner.organization, "member").invitations.accept({ token })),
      ...removed.slice(0, 3).map(({ user }) => caller.members.remove({ userId: user.id })),
      leaver ? callerOf(leaver.user, owner.organization, "member").members.leave() : Promise.resolve(null),
    ]);
    await runSeatJobs(subscription.id);

    const members = await h.db.membership.count({ where: { organizationId: owner.organization.id } });
    expect(members).toBe(7 + 4 - 4);
    expect(await quantityOf(subscription.id)).toBe(members);
  });

  it("bills the change with prorations, for the next invoice", async () => {
    const { owner, caller, subscription } = await subscribedOwner("team_monthly");
    const [joiner] = await invitees(caller, 1);
    if (!joiner) throw new Error("no invitee");
    await callerOf(joiner.user, owner.organization, "member").invitations.accept({ token: joiner.token });
    await runSeatJobs(subscription.id);

    // The next invoice will carry them: the emulator keeps them pending until it is made.
    const prorations = h.emulator.app.store.pendingProrations.get(subscription.id) ?? [];
    expect(prorations.map((line) => Math.sign(line.amount)).sort()).toEqual([-1, 1]);
    expect(prorations.reduce((sum, line) => sum + line.amount, 0)).toBeGreaterThan(0);
  });

  it("leaves a flat plan's quantity alone", async () => {
    const { owner, caller, subscription } = await subscribedOwner("pro_monthly");
    const [joiner] = await invitees(caller, 1);
    if (!joiner) throw new Error("no invitee");
    await callerOf(joiner.user, owner.organization, "member").invitations.accept({ token: joiner.token });
    expect(await runSeatJobs(subscription.id)).toBe(0);
    expect(await quantityOf(subscription.id)).toBe(1);
  });

  it("refuses an invitation a flat plan has no room for, counting open invitations; a revoke makes room", async () => {
    const { owner, caller } = await subscribedOwner("pro_monthly");
    const joined = await invitees(caller, 3);
    for (const { user, token } of joined)
      await callerOf(user, owner.organization, "member").invitations.accept({ token });
    const pending = address("pending");
    await caller.members.invite({ email: pending, role: "member" });
    const invitationsBefore = await h.db.invitation.count({ where: { organizationId: owner.organization.id } });

    await expect(caller.members.invite({ email: address("sixth"), role: "member" })).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      message:
        "The Pro plan is for up to 5 members, and its members and open invitations fill it. " +
        "Upgrade to Team, billed per seat, to invite more.",
    });
    expect(await h.db.invitation.count({ where: { organizationId: owner.organization.id } })).toBe(invitationsBefore);
    expect((await caller.members.list()).seats).toEqual({
      members: 4,
      invitations: 1,
      planName: "Pro",
      perSeat: false,
      limit: 5,
      upgradeTo: "team_monthly",
    });

    const [open] = (await caller.members.list()).invitations;
    await caller.members.revokeInvitation({ invitationId: open?.id ?? "" });
    await expect(caller.members.invite({ email: address("sixth"), role: "member" })).resolves.toBeTruthy();
  });

  it("lets only as many of the invitations out join as the plan has room for, when they accept at once", async () => {
    // Invited before the plan: no limit then.
    const owner = await createUser(h.db);
    const caller = callerOf(owner);
    const [first, ...rest] = await invitees(caller, 6);
    if (!first) throw new Error("no invitee");
    await callerOf(first.user, owner.organization, "member").invitations.accept({ token: first.token });
    const { redirectUrl } = await caller.billing.createCheckoutSession({ lookupKey: "pro_monthly" });
    const sessionId = redirectUrl.match(/cs_test_\w+/)?.[0] ?? "";
    await h.control.completeCheckout(sessionId, {});
    await caller.billing.syncCheckoutSession({ sessionId });

    const outcomes = await Promise.allSettled(
      rest.map(({ user, token }) => callerOf(user, owner.organization, "member").invitations.accept({ token })),
    );
    const refusals = outcomes.flatMap((o) => (o.status === "rejected" ? [o.reason as TRPCError] : []));
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(3);
    expect(refusals.map((error) => error.code)).toEqual(["PRECONDITION_FAILED", "PRECONDITION_FAILED"]);
    for (const error of refusals) expect(error.message).toContain("Ask the organization's owners to upgrade to Team");
    expect(await h.db.membership.count({ where: { organizationId: owner.organization.id } })).toBe(5);
  });

  it("refuses to send an expired invitation again when the plan has no room left for it", async () => {
    const { owner, caller } = await subscribedOwner("pro_monthly");
    for (const { user, token } of await invitees(caller, 3))
      await callerOf(user, owner.organization, "member").invitations.accept({ token });
    const stale = address("stale");
    await caller.members.invite({ email: stale, role: "member" });
    await h.db.invitation.updateMany({ where: { email: stale }, data: { expiresAt: new Date(Date.now() - 1_000) } });
    // The expired one takes no room: a fifth place is free, and taken.
    await caller.members.invite({ email: address("fifth"), role: "member" });
    const expired = await h.db.invitation.findFirstOrThrow({ where: { email: stale } });

    await expect(caller.members.resendInvitation({ invitationId: expired.id })).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
    });
    const after = await h.db.invitation.findUniqueOrThrow({ where: { id: expired.id } });
    expect([after.tokenHash, after.expiresAt]).toEqual([expired.tokenHash, expired.expiresAt]);
  });
});
