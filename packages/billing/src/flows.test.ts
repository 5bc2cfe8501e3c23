// Checkout, eager sync, portal and entitlements against the emulator.
import { createSubscription, createUser } from "@saas/db/factories";
import type Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createCheckoutSession } from "./checkout/create-checkout-session.ts";
import { syncCheckoutSession } from "./checkout/sync-checkout-session.ts";
import { ensureCustomer } from "./customers/ensure-customer.ts";
import { getEntitlement } from "./entitlements/get-entitlement.ts";
import { BillingNotFound, BillingProfileMissing, StripeUnavailable, SubscriptionExists } from "./errors.ts";
import { createPortalSession } from "./portal/create-portal-session.ts";
import { syncCustomer } from "./sync/sync-customer.ts";
import { startBillingHarness, TEST_APP_BASE_URL, USER_FACING_ATTEMPTS, type BillingHarness } from "./testing.ts";

let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness({ catalog: true });
});
afterAll(() => h.close());
beforeEach(() => h.control.clearFaults());

const sessionIdFrom = (url: string) => url.match(/cs_test_\w+/)?.[0] ?? "";

/** Stripe's API cannot read a portal session back, so look in the emulator's store. */
const portalSession = (url: string) => [...h.emulator.app.store.portalSessions.values()].find((s) => s.url === url);

/** A user who paid through Checkout with 4242, as the hosted page would do it. */
async function subscribedUser(lookupKey = "pro_monthly") {
  const user = await createUser(h.db);
  const { redirectUrl } = await createCheckoutSession(h, { organizationId: user.organization.id, lookupKey });
  const sessionId = sessionIdFrom(redirectUrl);
  await h.control.completeCheckout(sessionId, { cardNumber: "4242424242424242" });
  const synced = await syncCheckoutSession(h, { organizationId: user.organization.id, sessionId });
  return { user, sessionId, synced };
}

const stripeCustomerOf = async (organizationId: string) =>
  (await h.db.account.findUniqueOrThrow({ where: { organizationId } })).stripeCustomerId;

/** The Stripe client with Checkout answering `session` to every create. */
const checkoutAnswering = (session: { id: string; url: string | null }): Stripe =>
  new Proxy(h.stripe, {
    get: (stripe, key): unknown =>
      key === "checkout"
        ? { sessions: { create: () => Promise.resolve(session), list: () => Promise.resolve({ data: [] }) } }
        : Reflect.get(stripe, key),
  });

describe("checkout", () => {
  it("creates a session for the user's own customer with return URLs from configuration", async () => {
    const user = await createUser(h.db);
    const { redirectUrl } = await createCheckoutSession(h, {
      organizationId: user.organization.id,
      lookupKey: "starter_yearly",
    });
    expect(redirectUrl).toContain(h.emulator.url);
    const session = await h.stripe.checkout.sessions.retrieve(sessionIdFrom(redirectUrl), { expand: ["line_items"] });
    const account = await h.db.account.findUniqueOrThrow({ where: { organizationId: user.organization.id } });
    expect(session.customer).toBe(account.stripeCustomerId);
    expect(session.success_url).toBe(
      `${TEST_APP_BASE_URL}/settings/billing?checkout=success&session_id={CHECKOUT_SESSION_ID}`,
    );
    expect(session.cancel_url).toBe(`${TEST_APP_BASE_URL}/settings/billing?checkout=canceled`);
    expect(session.client_reference_id).toBe(user.organization.id);
    expect(session.metadata).toEqual({ organizationId: user.organization.id });
    expect(session.line_items?.data[0]?.price?.lookup_key).toBe("starter_yearly");
  });

  it("syncs the subscription as soon as the user is back, before any webhook", async () => {
    const { user, synced } = await subscribedUser();
    expect(synced).toEqual({ status: "complete", complete: true });
    const rows = await h.db.subscription.findMany({ where: { account: { organizationId: user.organization.id } } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "active", priceLookupKey: "pro_monthly", cancelAtPeriodEnd: false });
    const stripeSub = await h.stripe.subscriptions.retrieve(rows[0]?.stripeSubscriptionId ?? "");
    expect(rows[0]?.currentPeriodEnd.getTime()).toBe((stripeSub.items.data[0]?.current_period_end ?? 0) * 1000);
    // The subscription carries the user, as the session did, for whoever reads it in Stripe.
    expect(stripeSub.metadata).toEqual({ organizationId: user.organization.id });
    expect((await getEntitlement(h.db, user.organization.id)).access).toBe("full");
  });

  it("starts a trial for the plan that has one", async () => {
    const { user } = await subscribedUser("pro_yearly");
    const row = await h.db.subscription.findFirstOrThrow({
      where: { account: { organizationId: user.organization.id } },
    });
    expect(row.status).toBe("trialing");
    expect(row.trialEnd?.getTime()).toBeGreaterThan(Date.now() + 13 * 86_400_000);
  });

  it("refuses a second subscription: plan changes go through the portal", async () => {
    const { user } = await subscribedUser();
    await expect(
      createCheckoutSession(h, { organizationId: user.organization.id, lookupKey: "team_monthly" }),
    ).rejects.toBeInstanceOf(SubscriptionExists);
  });

  it.each(["active", "trialing", "past_due", "unpaid", "incomplete", "paused"])(
    "refuses a new subscription while one is %s, before touching Stripe",
    async (status) => {
      const user = await createUser(h.db);
      await createSubscription(h.db, user.account, { status });
      await expect(
        createCheckoutSession(h, { organizationId: user.organization.id, lookupKey: "pro_monthly" }),
      ).rejects.toBeInstanceOf(SubscriptionExists);
      expect(await stripeCustomerOf(user.organization.id)).toBeNull();
    },
  );

  it.each(["canceled", "incomplete_expired"])(
    "lets a user whose subscription is %s subscribe again",
    async (status) => {
      const user = await createUser(h.db);
      await createSubscription(h.db, user.account, { status });
      const { redirectUrl } = await createCheckoutSession(h, {
        organizationId: user.organization.id,
        lookupKey: "pro_monthly",
      });
      const session = await h.stripe.checkout.sessions.retrieve(sessionIdFrom(redirectUrl));
      expect(session.customer).toBe(await stripeCustomerOf(user.organization.id));
    },
  );

  it("refuses an unknown plan before touching Stripe", async () => {
    const user = await createUser(h.db);
    await expect(
      createCheckoutSession(h, { organizationId: user.organization.id, lookupKey: "platinum_forever" }),
    ).rejects.toStrictEqual(new BillingNotFound("no plan with lookup key platinum_forever"));
    expect(await stripeCustomerOf(user.organization.id)).toBeNull();
  });

  it("refuses a plan of the catalog that Stripe does not sell yet, saying how to fix it", async () => {
    const [price] = (await h.stripe.prices.list({ lookup_keys: ["team_yearly"] })).data;
    await h.stripe.prices.update(price?.id ?? "", { active: false });
    try {
      const user = await createUser(h.db);
      const refusal = await createCheckoutSession(h, {
        organizationId: user.organization.id,
        lookupKey: "team_yearly",
      }).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(BillingNotFound);
      expect(refusal).toHaveProperty("message", "the plan team_yearly is not in Stripe yet: run pnpm stripe:sync");
      const customer = (await stripeCustomerOf(user.organization.id)) ?? "";
      expect((await h.stripe.checkout.sessions.list({ customer })).data).toEqual([]);
    } finally {
      await h.stripe.prices.update(price?.id ?? "", { active: true });
    }
  });

  it("fails, naming the session, when Stripe answers with no page to send the user to", async () => {
    const user = await createUser(h.db);
    const stripe = checkoutAnswering({ id: "cs_test_without_url", url: null });
    await expect(
      createCheckoutSession({ ...h, stripe }, { organizationId: user.organization.id, lookupKey: "pro_monthly" }),
    ).rejects.toThrow("checkout session cs_test_without_url has no url");
  });

  it("tells on return whether the checkout is complete yet", async () => {
    const user = await createUser(h.db);
    const { redirectUrl } = await createCheckoutSession(h, {
      organizationId: user.organization.id,
      lookupKey: "starter_monthly",
    });
    const sessionId = sessionIdFrom(redirectUrl);
    expect(await syncCheckoutSession(h, { organizationId: user.organization.id, sessionId })).toEqual({
      status: "open",
      complete: false,
    });
    expect(await h.db.subscription.count({ where: { account: { organizationId: user.organization.id } } })).toBe(0);
  });

  it("will not sync someone else's checkout session", async () => {
    const { sessionId } = await subscribedUser();
    const intruder = await createUser(h.db);
    await ensureCustomer(h, intruder.organization.id);
    // Someone else's session and one that does not exist get the same answer.
    const notFound = new BillingNotFound("checkout session not found");
    await expect(syncCheckoutSession(h, { organizationId: intruder.organization.id, sessionId })).rejects.toStrictEqual(
      notFound,
    );
    await expect(
      syncCheckoutSession(h, { organizationId: intruder.organization.id, sessionId: "cs_test_nope" }),
    ).rejects.toStrictEqual(notFound);
    expect(await h.db.subscription.count({ where: { account: { organizationId: intruder.organization.id } } })).toBe(0);
  });

  it("reports Stripe being down as StripeUnavailable", async () => {
    const user = await createUser(h.db);
    await h.control.addFault({ path: "/v1/checkout/sessions", method: "POST", count: USER_FACING_ATTEMPTS });
    await expect(
      createCheckoutSession(h, { organizationId: user.organization.id, lookupKey: "pro_monthly" }),
    ).rejects.toBeInstanceOf(StripeUnavailable);
  });

  it("reports Stripe being down on the return as StripeUnavailable, not as a session it cannot find", async () => {
    const user = await createUser(h.db);
    const { redirectUrl } = await createCheckoutSession(h, {
      organizationId: user.organization.id,
      lookupKey: "pro_monthly",
    });
    await h.control.addFault({ path: "/v1/checkout/sessions/*", method: "GET", count: USER_FACING_ATTEMPTS });
    await expect(
      syncCheckoutSession(h, { organizationId: user.organization.id, sessionId: sessionIdFrom(redirectUrl) }),
    ).rejects.toBeInstanceOf(StripeUnavailable);
  });
});

describe("portal", () => {
  it("opens the portal for the caller's customer, the configured return URL, its plan's configuration", async () => {
    const { user } = await subscribedUser();
    const { redirectUrl } = await createPortalSession(h, { organizationId: user.organization.id });
    const account = await h.db.account.findUniqueOrThrow({ where: { organizationId: user.organization.id } });
    const session = portalSession(redirectUrl);
    expect(session).toMatchObject({
      customer: account.stripeCustomerId,
      return_url: `${TEST_APP_BASE_URL}/settings/billing`,
    });
    // Pro's own configuration: it switches between Pro's prices only.
    const configuration = await h.stripe.billingPortal.configurations.retrieve(
      typeof session?.configuration === "string" ? session.configuration : (session?.configuration.id ?? ""),
    );
    expect(configuration.metadata).toMatchObject({ managed_by: "saas-billing", plans: "pro" });
    expect(configuration.id).not.toBe(h.config.portalConfigurationId);
  });

  it("deep-links into a flow for the user's current subscription", async () => {
    const { user } = await subscribedUser();
    const sub = await h.db.subscription.findFirstOrThrow({
      where: { account: { organizationId: user.organization.id } },
    });
    const { redirectUrl } = await createPortalSession(h, {
      organizationId: user.organization.id,
      flow: "subscription_cancel",
    });
    const session = portalSession(redirectUrl);
    expect(session?.flow).toMatchObject({
      type: "subscription_cancel",
      subscription_cancel: { subscription: sub.stripeSubscriptionId },
      after_completion: {
        type: "redirect",
        redirect: { return_url: `${TEST_APP_BASE_URL}/settings/billing?portal=updated` },
      },
    });
    const update = portalSession(
      (await createPortalSession(h, { organizationId: user.organization.id, flow: "subscription_update" })).redirectUrl,
    );
    expect(update?.flow).toMatchObject({
      type: "subscription_update",
      subscription_update: { subscription: sub.stripeSubscriptionId },
      after_completion: {
        type: "redirect",
        redirect: { return_url: `${TEST_APP_BASE_URL}/settings/billing?portal=updated` },
      },
    });
  });

  it("deep-links into the card update, subscribed or not, back to billing settings", async () => {
    const { user } = await subscribedUser();
    const withoutSubscription = await createUser(h.db);
    await ensureCustomer(h, withoutSubscription.organization.id);
    for (const organizationId of [user.organization.id, withoutSubscription.organization.id]) {
      const { redirectUrl } = await createPortalSession(h, { organizationId, flow: "payment_method_update" });
      expect(portalSession(redirectUrl)).toMatchObject({
        customer: await stripeCustomerOf(organizationId),
        flow: {
          type: "payment_method_update",
          after_completion: { type: "redirect", redirect: { return_url: `${TEST_APP_BASE_URL}/settings/billing` } },
        },
      });
    }
  });

  it("refuses to deep-link into a subscription that is not there or has ended", async () => {
    const ended = await createUser(h.db);
    await ensureCustomer(h, ended.organization.id);
    const account = await h.db.account.findUniqueOrThrow({ where: { organizationId: ended.organization.id } });
    await createSubscription(h.db, account, { status: "canceled" });
    const never = await createUser(h.db);
    await ensureCustomer(h, never.organization.id);
    const sessionsBefore = h.emulator.app.store.portalSessions.size;
    for (const organizationId of [ended.organization.id, never.organization.id]) {
      for (const flow of ["subscription_cancel", "subscription_update"] as const) {
        await expect(createPortalSession(h, { organizationId, flow })).rejects.toStrictEqual(
          new BillingNotFound("no subscription to change"),
        );
      }
    }
    expect(h.emulator.app.store.portalSessions.size).toBe(sessionsBefore);
  });

  it("refuses a user with no Stripe customer yet", async () => {
    const user = await createUser(h.db);
    await expect(createPortalSession(h, { organizationId: user.organization.id })).rejects.toBeInstanceOf(
      BillingProfileMissing,
    );
  });

  it("reports Stripe being down as StripeUnavailable", async () => {
    const { user } = await subscribedUser();
    await h.control.addFault({
      path: "/v1/billing_portal/sessions",
      method: "POST",
      count: USER_FACING_ATTEMPTS,
      mode: "hang",
    });
    await expect(createPortalSession(h, { organizationId: user.organization.id })).rejects.toBeInstanceOf(
      StripeUnavailable,
    );
  });
});

describe("sync from truth and entitlements", () => {
  it("repairs a row altered by hand and follows a cancellation", async () => {
    const { user } = await subscribedUser();
    const account = await h.db.account.findUniqueOrThrow({ where: { organizationId: user.organization.id } });
    const row = await h.db.subscription.findFirstOrThrow({ where: { accountId: account.id } });
    await h.db.subscription.update({ where: { id: row.id }, data: { status: "canceled", priceLookupKey: "tampered" } });

    expect((await syncCustomer(h, account.stripeCustomerId ?? "")).changed).toBe(1);
    expect(await h.db.subscription.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
      status: "active",
      priceLookupKey: "pro_monthly",
    });
    expect((await syncCustomer(h, account.stripeCustomerId ?? "")).changed).toBe(0);

    await h.stripe.subscriptions.update(row.stripeSubscriptionId, { cancel_at_period_end: true });
    await syncCustomer(h, account.stripeCustomerId ?? "");
    expect(await h.db.subscription.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
      cancelAtPeriodEnd: true,
      status: "active",
    });

    await h.stripe.subscriptions.cancel(row.stripeSubscriptionId);
    await syncCustomer(h, account.stripeCustomerId ?? "");
    expect((await h.db.subscription.findUniqueOrThrow({ where: { id: row.id } })).status).toBe("canceled");
    expect((await getEntitlement(h.db, user.organization.id)).access).toBe("none");
  });

  it("ignores a customer that belongs to no account", async () => {
    const customer = await h.stripe.customers.create({ email: "stranger@example.com" });
    expect(await syncCustomer(h, customer.id)).toMatchObject({ known: false, changed: 0 });
  });

  it.each([
    ["active", "full"],
    ["trialing", "full"],
    ["past_due", "grace"],
    ["unpaid", "none"],
    ["canceled", "none"],
    ["incomplete_expired", "none"],
  ])("treats %s as %s access", async (status, access) => {
    const user = await createUser(h.db);
    await createSubscription(h.db, user.account, { status });
    expect((await getEntitlement(h.db, user.organization.id)).access).toBe(access);
  });

  it("lets a live subscription speak for the account over an ended one", async () => {
    const user = await createUser(h.db);
    await createSubscription(h.db, user.account, { status: "canceled", currentPeriodEnd: new Date(Date.now() + 1e9) });
    await createSubscription(h.db, user.account, { status: "active" });
    expect((await getEntitlement(h.db, user.organization.id)).subscription?.status).toBe("active");
  });
});
