import {
  startBillingHarness,
  TEST_APP_BASE_URL,
  USER_FACING_ATTEMPTS,
  type BillingHarness,
} from "@saas/billing/testing";
import { createUser } from "@saas/db/factories";
import { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { appRouter, createCaller, type RouterInputs, type RouterOutputs } from "./index.ts";
import { overTheWire, signedInAs, SIGNED_OUT } from "./testing.ts";
import { createTRPCRouter, protectedProcedure } from "./trpc.ts";

let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness({ catalog: true });
});
afterAll(() => h.close());
beforeEach(() => h.control.clearFaults());

type TestUser = Parameters<typeof signedInAs>[0];
const callerFor = (user: TestUser | null) =>
  createCaller({ db: h.db, stripe: h.stripe, config: h.config, ...(user ? signedInAs(user) : SIGNED_OUT) });

async function signedInCaller() {
  const user = await createUser(h.db);
  return { user, caller: callerFor(user) };
}

async function trpcError(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof TRPCError)) throw new Error(`expected a TRPCError, got ${String(error)}`);
  return error;
}

async function subscribe(caller: ReturnType<typeof callerFor>) {
  const { redirectUrl } = await caller.billing.createCheckoutSession({ lookupKey: "pro_monthly" });
  const sessionId = redirectUrl.match(/cs_test_\w+/)?.[0] ?? "";
  await h.control.completeCheckout(sessionId, {});
  await caller.billing.syncCheckoutSession({ sessionId });
  return sessionId;
}

describe("billing router", () => {
  it("answers UNAUTHORIZED to every procedure without a session", async () => {
    const anonymous = callerFor(null);
    const calls = [
      anonymous.billing.plans(),
      anonymous.billing.status(),
      anonymous.billing.createCheckoutSession({ lookupKey: "pro_monthly" }),
      anonymous.billing.syncCheckoutSession({ sessionId: "cs_test_x" }),
      anonymous.billing.createPortalSession(),
      anonymous.notifications.list(),
      anonymous.notifications.dismiss({ id: "x" }),
    ];
    for (const call of calls) {
      expect(await trpcError(call)).toMatchObject({ code: "UNAUTHORIZED", message: "Sign in to continue" });
    }
  });

  it("lists the plans with Stripe's amounts", async () => {
    const { caller } = await signedInCaller();
    const plans = await caller.billing.plans();
    expect(plans.map((p) => p.key)).toEqual(["starter", "pro", "team"]);
    expect(plans[1]?.prices).toContainEqual({
      lookupKey: "pro_monthly",
      interval: "month",
      unitAmount: 2900,
      currency: "usd",
      trialDays: null,
    });
  });

  it("walks from no subscription through checkout to an active plan", async () => {
    const { caller } = await signedInCaller();
    expect(await caller.billing.status()).toMatchObject({
      hasBillingProfile: false,
      subscription: null,
      entitlement: { access: "none" },
    });
    await subscribe(caller);
    const status = await caller.billing.status();
    expect(status).toMatchObject({
      hasBillingProfile: true,
      subscription: {
        planName: "Pro",
        lookupKey: "pro_monthly",
        interval: "month",
        status: "active",
        cancelAtPeriodEnd: false,
      },
      entitlement: { access: "full" },
      paymentProblem: null,
    });
    expect(new Date(status.subscription?.currentPeriodEnd ?? 0).getTime()).toBeGreaterThan(
      Date.now() + 27 * 86_400_000,
    );
  });

  it("tells what the plan lets the caller use, and nothing more", async () => {
    const { caller } = await signedInCaller();
    expect(await caller.billing.entitlement()).toEqual({ access: "none", reason: "No subscription" });
    await subscribe(caller);
    expect(await caller.billing.entitlement()).toEqual({ access: "full", reason: "Subscription active" });
  });

  it("answers status with the caller's own account, whatever user id the request slips in", async () => {
    const owner = await signedInCaller();
    await subscribe(owner.caller);
    const { user: intruder } = await signedInCaller();
    const input = encodeURIComponent(JSON.stringify({ userId: owner.user.id }));
    // Over the wire, as a browser would send it: the client's types cannot stop a hand-made request.
    const response = await fetchRequestHandler({
      endpoint: "/api/trpc",
      req: new Request(`${TEST_APP_BASE_URL}/api/trpc/billing.status?input=${input}`),
      router: appRouter,
      createContext: () => ({ db: h.db, stripe: h.stripe, config: h.config, ...signedInAs(intruder) }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { result: { data: RouterOutputs["billing"]["status"] } };
    expect(body.result.data).toMatchObject({
      hasBillingProfile: false,
      subscription: null,
      entitlement: { access: "none" },
    });
  });

  it("answers CONFLICT to a second checkout", async () => {
    const { caller } = await signedInCaller();
    await subscribe(caller);
    const error = await trpcError(caller.billing.createCheckoutSession({ lookupKey: "team_yearly" }));
    expect(error.code).toBe("CONFLICT");
  });

  it("answers BAD_REQUEST with field errors to wrong input, and changes nothing", async () => {
    const { user, caller } = await signedInCaller();
    const bad = { lookupKey: "free_forever" } as unknown as RouterInputs["billing"]["createCheckoutSession"];
    const error = await trpcError(caller.billing.createCheckoutSession(bad));
    expect(error.code).toBe("BAD_REQUEST");
    const badFlow = { flow: "delete_everything" } as unknown as RouterInputs["billing"]["createPortalSession"];
    expect((await trpcError(caller.billing.createPortalSession(badFlow))).code).toBe("BAD_REQUEST");
    expect((await trpcError(caller.billing.syncCheckoutSession({ sessionId: "../../etc" }))).code).toBe("BAD_REQUEST");
    expect(
      (await h.db.account.findUniqueOrThrow({ where: { organizationId: user.organization.id } })).stripeCustomerId,
    ).toBeNull();
  });

  it("answers NOT_FOUND for another user's checkout session", async () => {
    const owner = await signedInCaller();
    const sessionId = await subscribe(owner.caller);
    const intruder = await signedInCaller();
    await intruder.caller.billing.createCheckoutSession({ lookupKey: "starter_monthly" });
    // The same answer as for a session that does not exist: nothing says whose it is.
    expect(await trpcError(intruder.caller.billing.syncCheckoutSession({ sessionId }))).toMatchObject({
      code: "NOT_FOUND",
      message: "Not found",
    });
  });

  it("answers PRECONDITION_FAILED for the portal before a customer exists", async () => {
    const { caller } = await signedInCaller();
    const error = await trpcError(caller.billing.createPortalSession());
    expect(error).toMatchObject({ code: "PRECONDITION_FAILED", message: "Billing profile not initialized" });
  });

  it("opens the portal, with deep links, for a subscribed user", async () => {
    const { caller } = await signedInCaller();
    await subscribe(caller);
    for (const input of [
      undefined,
      { flow: "payment_method_update" as const },
      { flow: "subscription_update" as const },
    ]) {
      const { redirectUrl } = await caller.billing.createPortalSession(input);
      expect(redirectUrl).toContain(h.emulator.url);
    }
  });

  it("answers SERVICE_UNAVAILABLE when Stripe fails or hangs", async () => {
    const { caller } = await signedInCaller();
    await subscribe(caller);
    await h.control.addFault({
      path: "/v1/billing_portal/sessions",
      method: "POST",
      count: USER_FACING_ATTEMPTS,
      mode: "error",
    });
    expect(await trpcError(caller.billing.createPortalSession())).toMatchObject({
      code: "SERVICE_UNAVAILABLE",
      message: "Billing service unavailable",
    });
    await h.control.addFault({
      path: "/v1/billing_portal/sessions",
      method: "POST",
      count: USER_FACING_ATTEMPTS,
      mode: "hang",
    });
    expect(await trpcError(caller.billing.createPortalSession())).toMatchObject({ code: "SERVICE_UNAVAILABLE" });
    await expect(caller.billing.createPortalSession()).resolves.toHaveProperty("redirectUrl");
  });
});

describe("over the wire", () => {
  const post = (procedure: string, input: unknown, user: TestUser | null) =>
    overTheWire(TEST_APP_BASE_URL, () => ({
      db: h.db,
      stripe: h.stripe,
      config: h.config,
      ...(user ? signedInAs(user) : SIGNED_OUT),
    })).post(procedure, input);
  type ErrorBody = { error: { message: string; data: { code: string; fieldErrors: unknown } } };

  it("hands the client zod's message for each bad field, and no field errors for other failures", async () => {
    const { user } = await signedInCaller();
    // Ids that only contain a checkout session id are refused too: the whole input must be one.
    for (const sessionId of ["x_cs_test_1", "cs_test_1/../x"]) {
      const response = await post("billing.syncCheckoutSession", { sessionId }, user);
      expect(response.status).toBe(400);
      expect(((await response.json()) as ErrorBody).error.data).toMatchObject({
        code: "BAD_REQUEST",
        fieldErrors: { sessionId: ["Not a checkout session id"] },
      });
    }
    const anonymous = await post("billing.syncCheckoutSession", { sessionId: "cs_test_1" }, null);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as ErrorBody).error).toMatchObject({
      message: "Sign in to continue",
      data: { code: "UNAUTHORIZED", fieldErrors: null },
    });
  });

  it("answers a failure inside a procedure with 500 and no field errors, even one zod raised", async () => {
    const router = createTRPCRouter({ broken: protectedProcedure.query(() => z.object({ id: z.string() }).parse({})) });
    const { user } = await signedInCaller();
    const response = await fetchRequestHandler({
      endpoint: "/api/trpc",
      req: new Request(`${TEST_APP_BASE_URL}/api/trpc/broken`),
      router,
      createContext: () => ({
        db: h.db,
        stripe: h.stripe,
        config: h.config,
        ...(user ? signedInAs(user) : SIGNED_OUT),
      }),
      onError: () => {},
    });
    expect(response.status).toBe(500);
    expect(((await response.json()) as ErrorBody).error.data).toMatchObject({
      code: "INTERNAL_SERVER_ERROR",
      fieldErrors: null,
    });
  });
});

describe("notifications router", () => {
  it("lists and dismisses only the caller's own notifications", async () => {
    const alice = await signedInCaller();
    const bob = await signedInCaller();
    const note = await h.db.notification.create({
      data: { userId: alice.user.id, kind: "payment_failed", title: "Payment failed", body: "…" },
    });

    expect((await alice.caller.notifications.list()).map((n) => n.id)).toEqual([note.id]);
    expect(await bob.caller.notifications.list()).toEqual([]);
    expect((await trpcError(bob.caller.notifications.dismiss({ id: note.id }))).code).toBe("NOT_FOUND");
    expect((await h.db.notification.findUniqueOrThrow({ where: { id: note.id } })).dismissedAt).toBeNull();

    expect(await alice.caller.notifications.dismiss({ id: note.id })).toEqual({ ok: true });
    expect(await alice.caller.notifications.list()).toEqual([]);
  });
});
