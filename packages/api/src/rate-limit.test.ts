// One user cannot turn requests into Stripe calls: the procedures that call Stripe allow
// STRIPE_CALL_LIMIT calls per user per procedure, counted in PostgreSQL.
import { startBillingHarness, type BillingHarness } from "@saas/billing/testing";
import type { PrismaClient } from "@saas/db";
import { createUser } from "@saas/db/factories";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "./index.ts";
import { signedInAs } from "./testing.ts";
import { STRIPE_CALL_LIMIT, takeRateLimit } from "./rate-limit.ts";

let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness({ catalog: true });
});
afterAll(() => h.close());

/** A signed-in user with a Stripe customer, so the portal opens for them. */
async function customerCaller() {
  const user = await createUser(h.db);
  const customer = await h.stripe.customers.create({ email: user.email, metadata: { userId: user.id } });
  await h.db.account.update({
    where: { organizationId: user.organization.id },
    data: { stripeCustomerId: customer.id },
  });
  return {
    customerId: customer.id,
    caller: createCaller({ db: h.db, stripe: h.stripe, config: h.config, ...signedInAs(user) }),
  };
}

const portalSessionsOf = (customerId: string) =>
  [...h.emulator.app.store.portalSessions.values()].filter((s) => s.customer === customerId).length;

const codeOf = (call: Promise<unknown>) =>
  call.then(
    () => "ok",
    (error: unknown) => (error instanceof TRPCError ? error.code : String(error)),
  );

describe("procedures that call Stripe", () => {
  it("refuse the 11th portal session in a minute with TOO_MANY_REQUESTS, before it reaches Stripe", async () => {
    const { customerId, caller } = await customerCaller();
    for (let i = 0; i < STRIPE_CALL_LIMIT.max; i++) await caller.billing.createPortalSession();
    expect(portalSessionsOf(customerId)).toBe(10);

    const refused = await caller.billing.createPortalSession().then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(TRPCError);
    expect(refused).toMatchObject({ code: "TOO_MANY_REQUESTS" });
    expect((refused as TRPCError).message).toMatch(/^Too many requests\. Please try again in \d+ s\.$/);
    expect(portalSessionsOf(customerId)).toBe(10);

    // Another user, and another procedure of the same user, have limits of their own.
    await expect((await customerCaller()).caller.billing.createPortalSession()).resolves.toHaveProperty("redirectUrl");
    expect(await codeOf(caller.billing.syncCheckoutSession({ sessionId: "cs_test_not_mine" }))).toBe("NOT_FOUND");
  });

  it("let exactly the limit through when the calls arrive at once", async () => {
    const { customerId, caller } = await customerCaller();
    const codes = await Promise.all(Array.from({ length: 15 }, () => codeOf(caller.billing.createPortalSession())));
    expect(codes.filter((code) => code === "ok")).toHaveLength(10);
    expect(codes.filter((code) => code === "TOO_MANY_REQUESTS")).toHaveLength(5);
    expect(portalSessionsOf(customerId)).toBe(10);
  });
});

describe("takeRateLimit", () => {
  it("slides: a call is allowed again once the oldest counted call is a window old", async () => {
    const limit = { max: 2, windowMs: 60_000 };
    const t0 = new Date("2026-12-01T10:00:00Z");
    const at = (ms: number) => new Date(t0.getTime() + ms);
    await takeRateLimit(h.db, "slide", limit, at(0));
    await takeRateLimit(h.db, "slide", limit, at(20_000));
    await expect(takeRateLimit(h.db, "slide", limit, at(30_000))).rejects.toMatchObject({
      name: "RateLimited",
      retryAfterSeconds: 30,
    });
    await takeRateLimit(h.db, "slide", limit, at(60_001));
    await expect(takeRateLimit(h.db, "slide", limit, at(61_000))).rejects.toMatchObject({
      name: "RateLimited",
      retryAfterSeconds: 19,
    });
    await takeRateLimit(h.db, "other key", limit, at(61_000));
  });

  it("refuses the call, naming the key, if the statement ever answers with no row", async () => {
    const noRows = { $queryRaw: () => Promise.resolve([]) } as unknown as PrismaClient;
    await expect(takeRateLimit(noRows, "lost key", { max: 1, windowMs: 1_000 })).rejects.toThrow(
      "takeRateLimit: no row for lost key",
    );
  });
});
