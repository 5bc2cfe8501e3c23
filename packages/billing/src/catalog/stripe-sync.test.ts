import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBillingHarness, TEST_APP_BASE_URL, type BillingHarness } from "../testing.ts";
import { CATALOG, COUPONS, LOOKUP_KEYS, type CatalogProduct } from "./catalog.ts";
import { portalPlanSets } from "./portal-configuration.ts";
import { syncStripe } from "./stripe-sync.ts";

let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness();
});
afterAll(() => h.close());

/** One change per coupon and per promotion code of the catalog, on the first sync. */
const COUPON_CHANGES = COUPONS.length + COUPONS.flatMap((coupon) => coupon.codes).length;

const sync = (apply: boolean, catalog?: readonly CatalogProduct[]) =>
  syncStripe(h.stripe, { appBaseUrl: TEST_APP_BASE_URL, apply, ...(catalog ? { catalog } : {}) });

describe("stripe:sync", () => {
  it("reports everything missing in check mode without creating anything", async () => {
    const check = await sync(false);
    expect(check.portalConfigurationId).toBeNull();
    expect(check.changes.filter((c) => c.action === "create")).toHaveLength(
      CATALOG.length + LOOKUP_KEYS.length + portalPlanSets().length + COUPON_CHANGES,
    );
    expect((await h.stripe.products.list()).data).toHaveLength(0);
  });

  it("creates the catalog and the portal configuration, then changes nothing the second time", async () => {
    const first = await sync(true);
    expect(first.changes.length).toBe(CATALOG.length + LOOKUP_KEYS.length + portalPlanSets().length + COUPON_CHANGES);
    const [code] = (await h.stripe.promotionCodes.list({ code: "LAUNCH20", active: true })).data;
    expect(code?.promotion.coupon).toBe("launch-20");
    expect(await h.stripe.coupons.retrieve("launch-20")).toMatchObject({
      percent_off: 20,
      duration: "repeating",
      duration_in_months: 3,
    });
    expect(first.portalConfigurationId).toMatch(/^bpc_/);

    for (const product of CATALOG) {
      for (const price of product.prices) {
        const [live] = (await h.stripe.prices.list({ lookup_keys: [price.lookupKey], expand: ["data.product"] })).data;
        expect(live).toMatchObject({
          unit_amount: price.unitAmount,
          currency: price.currency,
          recurring: { interval: price.interval },
          active: true,
        });
        expect(live?.product).toMatchObject({ name: product.name, metadata: { catalog_key: product.key } });
      }
    }
    const config = await h.stripe.billingPortal.configurations.retrieve(first.portalConfigurationId ?? "");
    expect(config.default_return_url).toBe(`${TEST_APP_BASE_URL}/settings/billing`);
    expect(config.features.subscription_cancel).toMatchObject({ enabled: true, mode: "at_period_end" });
    // The default is for an organization with no plan yet: nothing to switch.
    expect(config.features.subscription_update.enabled).toBe(false);
    expect(config.metadata).toMatchObject({ managed_by: "saas-billing", version: "5", plans: "none" });
    // One configuration per plan, switching only between that plan's own prices, never the quantity.
    expect(portalPlanSets()).toEqual([[], ["starter"], ["pro"], ["team"]]);
    for (const product of CATALOG) {
      const offered = await h.stripe.billingPortal.configurations.retrieve(
        first.portalConfigurationIds[product.key] ?? "",
      );
      const update = offered.features.subscription_update;
      expect(update).toMatchObject({ enabled: true, default_allowed_updates: ["price"] });
      const products = update.products ?? [];
      expect(products).toHaveLength(1);
      expect((await h.stripe.products.retrieve(products[0]?.product ?? "")).metadata.catalog_key).toBe(product.key);
      expect(products[0]?.prices.sort()).toEqual(product.prices.map((price) => first.priceIds[price.lookupKey]).sort());
    }

    const second = await sync(true);
    expect(second.changes).toEqual([]);
    expect(second.portalConfigurationId).toBe(first.portalConfigurationId);
    expect(second.priceIds).toEqual(first.priceIds);
    expect((await sync(false)).changes).toEqual([]);
  });

  it("replaces a price whose amount changed in code, moving its lookup key, and --check shows the diff", async () => {
    const before = await sync(true);
    // The same catalog with Pro monthly repriced, as an edit to catalog.ts would make it.
    const edited = CATALOG.map((product) => ({
      ...product,
      prices: product.prices.map((price) =>
        price.lookupKey === "pro_monthly" ? { ...price, unitAmount: 3_500 } : price,
      ),
    }));
    const check = await sync(false, edited);
    expect(check.changes).toContainEqual({
      action: "replace",
      target: `price pro_monthly (${before.priceIds.pro_monthly})`,
      details: ["unit_amount: 2900 → 3500"],
    });
    // The portal configuration's allowed prices follow the new price id.
    expect(check.changes.some((c) => c.target.startsWith("portal configuration"))).toBe(true);

    const applied = await sync(true, edited);
    const newId = applied.priceIds.pro_monthly;
    expect(newId).not.toBe(before.priceIds.pro_monthly);
    const [live] = (await h.stripe.prices.list({ lookup_keys: ["pro_monthly"] })).data;
    expect(live).toMatchObject({ id: newId, unit_amount: 3_500 });
    expect(await h.stripe.prices.retrieve(before.priceIds.pro_monthly ?? "")).toMatchObject({
      active: false,
      lookup_key: null,
    });
    const config = await h.stripe.billingPortal.configurations.retrieve(applied.portalConfigurationIds.pro ?? "");
    expect(config.features.subscription_update.products?.flatMap((p) => p.prices)).toContain(newId);
    expect((await sync(false, edited)).changes).toEqual([]);
  });

  it("puts back a portal setting changed by hand in Stripe", async () => {
    const { portalConfigurationId } = await sync(true);
    await h.stripe.billingPortal.configurations.update(portalConfigurationId ?? "", {
      features: { invoice_history: { enabled: false } },
    });
    const check = await sync(false);
    expect(check.changes).toEqual([
      {
        action: "update",
        target: `default portal configuration (${portalConfigurationId})`,
        details: ["invoice_history: false → true"],
      },
    ]);
    await sync(true);
    expect(
      (await h.stripe.billingPortal.configurations.retrieve(portalConfigurationId ?? "")).features.invoice_history
        .enabled,
    ).toBe(true);
  });

  it("adopts an earlier version's configuration as the default, and switches off the sets no longer used", async () => {
    const { portalConfigurationId, portalConfigurationIds } = await sync(true);
    // As version 3 left them: the default offered every plan, and a set of plans for 2 to 5 members.
    await h.stripe.billingPortal.configurations.update(portalConfigurationId ?? "", {
      metadata: { plans: "starter,pro,team", version: "3" },
    });
    const older = await h.stripe.billingPortal.configurations.create({
      features: { invoice_history: { enabled: true } },
      metadata: { managed_by: "saas-billing", plans: "pro,team", version: "3" },
    });
    const check = await sync(false);
    expect(check.changes.map((c) => [c.action, c.target, c.details])).toEqual([
      [
        "update",
        `default portal configuration (${portalConfigurationId})`,
        ['version: "3" → "5"', 'plans: "starter,pro,team" → "none"'],
      ],
      ["update", `portal configuration for pro,team (${older.id})`, ["active: true → false"]],
    ]);
    const applied = await sync(true);
    expect(applied.portalConfigurationId).toBe(portalConfigurationId);
    expect(applied.portalConfigurationIds).toEqual(portalConfigurationIds);
    expect((await h.stripe.billingPortal.configurations.retrieve(older.id)).active).toBe(false);
    expect((await sync(false)).changes).toEqual([]);
  });

  it("puts back a promotion code switched off by hand, and replaces a coupon whose terms changed", async () => {
    await sync(true);
    const [code] = (await h.stripe.promotionCodes.list({ code: "LAUNCH20", active: true })).data;
    await h.stripe.promotionCodes.update(code?.id ?? "", { active: false });
    expect((await sync(false)).changes).toEqual([
      { action: "create", target: "promotion code LAUNCH20", details: ["for coupon launch-20"] },
    ]);
    await sync(true);
    expect((await h.stripe.promotionCodes.list({ code: "LAUNCH20", active: true })).data).toHaveLength(1);

    const [before] = (await h.stripe.promotionCodes.list({ code: "LAUNCH20", active: true })).data;
    const richer = COUPONS.map((coupon) => ({ ...coupon, percentOff: 25 }));
    const check = await syncStripe(h.stripe, { appBaseUrl: TEST_APP_BASE_URL, apply: false, coupons: richer });
    expect(check.changes).toEqual([
      { action: "replace", target: "coupon launch-20", details: ["percent_off: 20 → 25"] },
      { action: "create", target: "promotion code LAUNCH20", details: ["for coupon launch-20"] },
    ]);
    await syncStripe(h.stripe, { appBaseUrl: TEST_APP_BASE_URL, apply: true, coupons: richer });
    expect((await h.stripe.coupons.retrieve("launch-20")).percent_off).toBe(25);
    // One active LAUNCH20, made after the new coupon: the old one was switched off first.
    const live = (await h.stripe.promotionCodes.list({ code: "LAUNCH20", active: true })).data;
    expect(live).toHaveLength(1);
    expect(live[0]?.id).not.toBe(before?.id);
    expect(live[0]?.promotion.coupon).toBe("launch-20");
    expect((await sync(false)).changes.map((change) => change.action)).toEqual(["replace", "create"]);
    await sync(true);
    expect((await sync(false)).changes).toEqual([]);
  });
});
