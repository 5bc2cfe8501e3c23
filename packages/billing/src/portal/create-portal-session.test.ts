// The portal opens with the configuration `pnpm stripe:sync` made, even on a Stripe account
// whose default configuration is someone else's (another app, or one saved in the dashboard).
import { createUser } from "@saas/db/factories";
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncStripe } from "../catalog/stripe-sync.ts";
import { ensureCustomer } from "../customers/ensure-customer.ts";
import type { BillingDeps } from "../deps.ts";
import { syncCustomer } from "../sync/sync-customer.ts";
import { startBillingHarness, TEST_APP_BASE_URL, type BillingHarness } from "../testing.ts";
import { createPortalSession } from "./create-portal-session.ts";

let h: BillingHarness;
let deps: BillingDeps;
let decoy: Stripe.BillingPortal.Configuration;
let ours: Stripe.BillingPortal.Configuration;
let byPlans: Record<string, string | null>;

beforeAll(async () => {
  // No catalog from the harness: the account's first configuration becomes its default, so the decoy goes first.
  h = await startBillingHarness();
  decoy = await h.stripe.billingPortal.configurations.create({
    business_profile: { headline: "Another app's portal" },
    features: { invoice_history: { enabled: true } },
  });
  const { portalConfigurationId, portalConfigurationIds } = await syncStripe(h.stripe, {
    appBaseUrl: TEST_APP_BASE_URL,
    apply: true,
  });
  byPlans = portalConfigurationIds;
  ours = await h.stripe.billingPortal.configurations.retrieve(portalConfigurationId ?? "");
  deps = { ...h, config: { ...h.config, portalConfigurationId: ours.id } };
});
afterAll(() => h.close());

describe("createPortalSession", () => {
  it("opens the app's own configuration, not the account's default one", async () => {
    expect(decoy.is_default).toBe(true);
    expect(ours).toMatchObject({ is_default: false, metadata: { managed_by: "saas-billing" } });
    const user = await createUser(h.db);
    const customer = await ensureCustomer(h, user.organization.id);

    const { redirectUrl } = await createPortalSession(deps, { organizationId: user.organization.id });
    // Stripe's API cannot read a portal session back, so look in the emulator's store.
    const session = [...h.emulator.app.store.portalSessions.values()].find((s) => s.url === redirectUrl);
    expect(session).toMatchObject({ customer, configuration: ours.id });
  });

  it("opens the configuration of the organization's plan, which switches only between its own prices", async () => {
    const configurationFor = async (lookupKey: string | null) => {
      const owner = await createUser(h.db);
      const customer = await ensureCustomer(h, owner.organization.id);
      if (lookupKey) {
        const card = await h.stripe.paymentMethods.attach("pm_card_visa", { customer });
        await h.stripe.customers.update(customer, { invoice_settings: { default_payment_method: card.id } });
        const [price] = (await h.stripe.prices.list({ lookup_keys: [lookupKey] })).data;
        await h.stripe.subscriptions.create({ customer, items: [{ price: price?.id ?? "" }] });
        await syncCustomer(h, customer);
      }
      const { redirectUrl } = await createPortalSession(deps, { organizationId: owner.organization.id });
      return [...h.emulator.app.store.portalSessions.values()].find((s) => s.url === redirectUrl)?.configuration;
    };
    expect([
      await configurationFor(null),
      await configurationFor("starter_monthly"),
      await configurationFor("pro_yearly"),
      await configurationFor("team_monthly"),
    ]).toEqual([ours.id, byPlans.starter, byPlans.pro, byPlans.team]);
  });
});
