// What a user sees when a dependency stalls: Stripe hanging, or PostgreSQL with no free
// connection, answers SERVICE_UNAVAILABLE within seconds, and the next call works again.
import { createStripeClient, readStripeEnv, type Stripe } from "@saas/billing";
import { startBillingHarness, type BillingHarness } from "@saas/billing/testing";
import { createDb } from "@saas/db/client";
import { createUser } from "@saas/db/factories";
import { holdConnection } from "@saas/db/testing";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createCaller, type Context } from "./index.ts";
import { signedInAs } from "./testing.ts";

let h: BillingHarness;
/** Made as apps/web makes it (lib/billing.server.ts), with the environment's defaults. */
let appStripe: Stripe;
beforeAll(async () => {
  h = await startBillingHarness({ catalog: true });
  const env = readStripeEnv({ STRIPE_SECRET_KEY: "sk_test_app", STRIPE_API_BASE: h.emulator.url });
  appStripe = createStripeClient({ secretKey: "sk_test_app", apiBase: env.apiBase, timeoutMs: env.timeoutMs });
});
afterAll(() => h.close());
beforeEach(() => h.control.clearFaults());

const callerFor = (user: Parameters<typeof signedInAs>[0], deps: Partial<Context> = {}) =>
  createCaller({ db: h.db, stripe: appStripe, config: h.config, ...signedInAs(user), ...deps });

/** The tRPC code a call failed with (or "ok"), and how long it took. */
async function timed(call: () => Promise<unknown>): Promise<{ code: string; ms: number }> {
  const started = Date.now();
  const code = await call().then(
    () => "ok",
    (error: unknown) => (error instanceof TRPCError ? error.code : `not a TRPCError: ${String(error)}`),
  );
  return { code, ms: Date.now() - started };
}

describe("Stripe hanging", () => {
  it("fails every call a user waits on with SERVICE_UNAVAILABLE within 5 s, whatever the client timeout", async () => {
    const withCustomer = await createUser(h.db);
    const customer = await h.stripe.customers.create({
      email: withCustomer.email,
      metadata: { userId: withCustomer.id },
    });
    await h.db.account.update({
      where: { organizationId: withCustomer.organization.id },
      data: { stripeCustomerId: customer.id },
    });
    const portalUser = callerFor(withCustomer);
    const { redirectUrl } = await portalUser.billing.createCheckoutSession({ lookupKey: "pro_monthly" });
    const sessionId = redirectUrl.match(/cs_test_\w+/)?.[0] ?? "";
    const newcomer = await createUser(h.db);
    const newUser = callerFor(newcomer);

    // Three hangs each: as many attempts as the client makes by default.
    await Promise.all([
      h.control.addFault({ path: "/v1/billing_portal/sessions", method: "POST", mode: "hang", count: 3 }),
      h.control.addFault({ path: "/v1/checkout/sessions/*", method: "GET", mode: "hang", count: 3 }),
      h.control.addFault({ path: "/v1/customers", method: "POST", mode: "hang", count: 3 }),
      h.control.addFault({ path: "/v1/prices*", method: "GET", mode: "hang", count: 3 }),
    ]);
    const results = await Promise.all([
      timed(() => portalUser.billing.createPortalSession()),
      timed(() => portalUser.billing.syncCheckoutSession({ sessionId })),
      timed(() => newUser.billing.createCheckoutSession({ lookupKey: "starter_monthly" })),
      timed(() => newUser.billing.plans()),
    ]);
    // The product promise is about time: "Billing service unavailable" within 5 s (6 s allows for a busy machine).
    expect(results.map(({ code, ms }) => ({ code, within6s: ms < 6_000, ms: Math.round(ms / 1000) }))).toEqual(
      results.map(({ ms }) => ({ code: "SERVICE_UNAVAILABLE", within6s: true, ms: Math.round(ms / 1000) })),
    );
    await h.control.clearFaults();
    await expect(portalUser.billing.createPortalSession()).resolves.toHaveProperty("redirectUrl");
  }, 60_000);
});

describe("PostgreSQL without a free connection", () => {
  it("answers SERVICE_UNAVAILABLE with a message a user can read, then serves again", async () => {
    const user = await createUser(h.db);
    const db = createDb(h.database.url, { max: 1, connectionTimeoutMs: 1_000 });
    const caller = callerFor(user, { db });
    try {
      const release = await holdConnection(db);
      const error = await caller.billing.status().then(
        () => null,
        (e: unknown) => e,
      );
      await release();
      expect(error).toBeInstanceOf(TRPCError);
      expect(error).toMatchObject({
        code: "SERVICE_UNAVAILABLE",
        message: "Temporarily unavailable. Please try again in a moment.",
      });
      await expect(caller.billing.status()).resolves.toMatchObject({ hasBillingProfile: false });
    } finally {
      await db.$disconnect();
    }
  });
});
