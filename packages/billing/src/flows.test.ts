// Checkout, eager sync, portal and entitlements against the emulator.
import { createSubscription, createUser } from "@saas/db/factories";
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
  const { redirectUrl } = await createCheckoutSession(h, { userId: user.id, lookupKey });
  const sessionId = sessionIdFrom(redirectUrl);
  await h.control.completeCheckout(sessionId, { cardNumber: "4242424242424242" });
  await syncCheckoutSession(h, { userId: user.id, sessionId });
  return { user, sessionId };
}

describe("checkout", () => {
  it("creates a session for the user's own customer with return URLs from configuration", async () => {
    const user = await createUser(h.db);
    const { redirectUrl } = await createCheckoutSession(h, { userId: user.id, lookupKey: "starter_yearly" });
    expect(redirectUrl).toContain(h.emulator.url);
    const session = await h.stripe.checkout.sessions.retrieve(sessionIdFrom(redirectUrl), { expand: ["line_items"] });
    const account = await h.db.account.findUniqueOrThrow({ where: { userId: user.id } });
    expect(session.customer).toBe(account.stripeCustomerId);
    expect(session.success_url).toBe(
      `${TEST_APP_BASE_URL}/settings/billing?checkout=success&session_id={CHECKOUT_SESSION_ID}`,
    );
    expect(session.cancel_url).toBe(`${TEST_APP_BASE_URL}/settings/billing?checkout=canceled`);
    expect(session.client_reference_id).toBe(user.id);
    expect(session.line_items?.data[0]?.price?.lookup_key).toBe("starter_yearly");
  });

  it("syncs the subscription as soon as the user is back, before any webhook", async () => {
    const { user } = await subscribedUser();
    const rows = await h.db.subscription.findMany({ where: { account: { userId: user.id } } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "active", priceLookupKey: "pro_monthly", cancelAtPeriodEnd: false });
    const stripeSub = await h.stripe.subscriptions.retrieve(rows[0]?.stripeSubscriptionId ?? "");
    expect(rows[0]?.currentPeriodEnd.getTime()).toBe((stripeSub.items.data[0]?.current_period_end ?? 0) * 1000);
    expect((await getEntitlement(h.db, user.id)).access).toBe("full");
  });

  it("starts a trial for the plan that has one", async () => {
    const { user } = await subscribedUser("pro_yearly");
    const row = await h.db.subscription.findFirstOrThrow({ where: { account: { userId: user.id } } });
    expect(row.status).toBe("trialing");
    expect(row.trialEnd?.getTime()).toBeGreaterThan(Date.now() + 13 * 86_400_000);
  });

  it("refuses a second subscription: plan changes go through the portal", async () => {
    const { user } = await subscribedUser();
    await expect(createCheckoutSession(h, { userId: user.id, lookupKey: "team_monthly" })).rejects.toBeInstanceOf(
      SubscriptionExists,
    );
  });

  it("refuses an unknown plan before touching Stripe", async () => {
    const user = await createUser(h.db);
    await expect(createCheckoutSession(h, { userId: user.id, lookupKey: "platinum_forever" })).rejects.toBeInstanceOf(
      BillingNotFound,
    );
    expect((await h.db.account.findUniqueOrThrow({ where: { userId: user.id } })).stripeCustomerId).toBeNull();
  });

  it("will not sync someone else's checkout session", async () => {
    const { sessionId } = await subscribedUser();
    const intruder = await createUser(h.db);
    await ensureCustomer(h, intruder.id);
    await expect(syncCheckoutSession(h, { userId: intruder.id, sessionId })).rejects.toBeInstanceOf(BillingNotFound);
    await expect(syncCheckoutSession(h, { userId: intruder.id, sessionId: "cs_test_nope" })).rejects.toBeInstanceOf(
      BillingNotFound,
    );
    expect(await h.db.subscription.count({ where: { account: { userId: intruder.id } } })).toBe(0);
  });

  it("reports Stripe being down as StripeUnavailable", async () => {
    const user = await createUser(h.db);
    await h.control.addFault({ path: "/v1/checkout/sessions", method: "POST", count: USER_FACING_ATTEMPTS });
    await expect(createCheckoutSession(h, { userId: user.id, lookupKey: "pro_monthly" })).rejects.toBeInstanceOf(
      StripeUnavailable,
    );
  });
});

describe("portal", () => {
  it("opens the portal for the user's own customer with the configured return URL and configuration", async () => {
    const { user } = await subscribedUser();
    const { redirectUrl } = await createPortalSession(h, { userId: user.id });
    const account = await h.db.account.findUniqueOrThrow({ where: { userId: user.id } });
    const session = portalSession(redirectUrl);
    expect(session).toMatchObject({
      customer: account.stripeCustomerId,
      return_url: `${TEST_APP_BASE_URL}/settings/billing`,
      configuration: h.config.portalConfigurationId,
    });
  });

  it("deep-links into a flow for the user's current subscription", async () => {
    const { user } = await subscribedUser();
    const sub = await h.db.subscription.findFirstOrThrow({ where: { account: { userId: user.id } } });
    const { redirectUrl } = await createPortalSession(h, { userId: user.id, flow: "subscription_cancel" });
    const session = portalSession(redirectUrl);
    expect(session?.flow).toMatchObject({
      type: "subscription_cancel",
      subscription_cancel: { subscription: sub.stripeSubscriptionId },
    });
  });

  it("refuses a user with no Stripe customer yet", async () => {
    const user = await createUser(h.db);
    await expect(createPortalSession(h, { userId: user.id })).rejects.toBeInstanceOf(BillingProfileMissing);
  });

  it("reports Stripe being down as StripeUnavailable", async () => {
    const { user } = await subscribedUser();
    await h.control.addFault({
      path: "/v1/billing_portal/sessions",
      method: "POST",
      count: USER_FACING_ATTEMPTS,
      mode: "hang",
    });
    await expect(createPortalSession(h, { userId: user.id })).rejects.toBeInstanceOf(StripeUnavailable);
  });
});

describe("sync from truth and entitlements", () => {
  it("repairs a row altered by hand and follows a cancellation", async () => {
    const { user } = await subscribedUser();
    const account = await h.db.account.findUniqueOrThrow({ where: { userId: user.id } });
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
    expect((await getEntitlement(h.db, user.id)).access).toBe("none");
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
    expect((await getEntitlement(h.db, user.id)).access).toBe(access);
  });

  it("lets a live subscription speak for the account over an ended one", async () => {
    const user = await createUser(h.db);
    await createSubscription(h.db, user.account, { status: "canceled", currentPeriodEnd: new Date(Date.now() + 1e9) });
    await createSubscription(h.db, user.account, { status: "active" });
    expect((await getEntitlement(h.db, user.id)).subscription?.status).toBe("active");
  });
});
