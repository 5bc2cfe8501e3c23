// The portal opens with the configuration `pnpm stripe:sync` made, even on a Stripe account
// whose default configuration is someone else's (another app, or one saved in the dashboard).
import { addMember, createUser } from "@saas/db/factories";
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncStripe } from "../catalog/stripe-sync.ts";
import { ensureCustomer } from "../customers/ensure-customer.ts";
import type { BillingDeps } from "../deps.ts";
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

  it("offers a switch only to the plans the organization's members fit", async () => {
    const configurationFor = async (members: number) => {
      const owner = await createUser(h.db);
      for (let i = 1; i < members; i++) await addMember(h.db, owner.organization.id, (await createUser(h.db)).id);
      await ensureCustomer(h, owner.organization.id);
      const { redirectUrl } = await createPortalSession(deps, { organizationId: owner.organization.id });
      return [...h.emulator.app.store.portalSessions.values()].find((s) => s.url === redirectUrl)?.configuration;
    };
    // Starter is for 1 member, Pro for up to 5, Team for any number.
    expect([
      await configurationFor(1),
      await configurationFor(2),
      await configurationFor(5),
      await configurationFor(6),
    ]).toEqual([ours.id, byPlans["pro,team"], byPlans["pro,team"], byPlans.team]);
  });
});
