// Makes Stripe (real or emulated) match catalog.ts and portal-configuration.ts, or, in
// check mode, only reports how it differs. Idempotent: a second run changes nothing.
import { isDeepStrictEqual } from "node:util";
import type Stripe from "stripe";
import { isStripeNotFound } from "../errors.ts";
import { CATALOG, COUPONS, type CatalogCoupon, type CatalogPrice, type CatalogProduct } from "./catalog.ts";
import {
  comparablePortalConfiguration,
  DEFAULT_PORTAL_PLANS,
  desiredPortalConfiguration,
  planSetKey,
  PORTAL_CONFIG_MARKER,
  portalPlanSets,
} from "./portal-configuration.ts";

export type SyncChange = { action: "create" | "update" | "replace"; target: string; details: string[] };
export type SyncResult = {
  changes: SyncChange[];
  /**
   * The default portal configuration (STRIPE_PORTAL_CONFIG_ID), offering no plan switch.
   * Null only in check mode when it does not exist yet.
   */
  portalConfigurationId: string | null;
  /** Every managed configuration by its set of plans (planSetKey); null where check mode found none. */
  portalConfigurationIds: Record<string, string | null>;
  priceIds: Record<string, string>;
};

const PENDING = "(to be created)";
/** What Stripe's invoices and Checkout call one unit of a per-seat plan. */
const SEAT_UNIT_LABEL = "seat";

export async function syncStripe(
  stripe: Stripe,
  options: {
    appBaseUrl: string;
    apply: boolean;
    catalog?: readonly CatalogProduct[];
    coupons?: readonly CatalogCoupon[];
  },
): Promise<SyncResult> {
  const catalog = options.catalog ?? CATALOG;
  const changes: SyncChange[] = [];
  await syncCoupons(stripe, options.coupons ?? COUPONS, options.apply, changes);
  const productIds = await syncProducts(stripe, catalog, options.apply, changes);
  const priceIds = await syncPrices(stripe, catalog, productIds, options.apply, changes);
  const portalConfigurationIds = await syncPortalConfigurations(stripe, {
    appBaseUrl: options.appBaseUrl,
    apply: options.apply,
    catalog,
    products: Object.fromEntries(
      catalog.map((product) => [
        product.key,
        {
          product: productIds[product.key] ?? PENDING,
          prices: product.prices.map((price) => priceIds[price.lookupKey] ?? PENDING),
        },
      ]),
    ),
    changes,
  });
  return {
    changes,
    portalConfigurationId: portalConfigurationIds[DEFAULT_PORTAL_PLANS] ?? null,
    portalConfigurationIds,
    priceIds,
  };
}

async function syncProducts(
  stripe: Stripe,
  catalog: readonly CatalogProduct[],
  apply: boolean,
  changes: SyncChange[],
): Promise<Record<string, string>> {
  const existing = new Map<string, Stripe.Product>();
  for await (const product of stripe.products.list({ limit: 100 })) {
    const key = product.metadata.catalog_key;
    if (key && (!existing.has(key) || product.active)) existing.set(key, product);
  }
  const ids: Record<string, string> = {};
  for (const wanted of catalog) {
    const current = existing.get(wanted.key);
    const fields = {
      name: wanted.name,
      description: wanted.description,
      active: true,
      unit_label: wanted.perSeat ? SEAT_UNIT_LABEL : null,
    };
    if (!current) {
      changes.push({ action: "create", target: `product ${wanted.key}`, details: [`name: ${wanted.name}`] });
      if (apply)
        ids[wanted.key] = (
          await stripe.products.create({
            name: fields.name,
            description: fields.description,
            ...(fields.unit_label ? { unit_label: fields.unit_label } : {}),
            metadata: { catalog_key: wanted.key },
          })
        ).id;
      continue;
    }
    ids[wanted.key] = current.id;
    const details = differences(
      {
        name: current.name,
        description: current.description,
        active: current.active,
        unit_label: current.unit_label ?? null,
      },
      fields,
    );
    if (details.length) {
      changes.push({ action: "update", target: `product ${wanted.key} (${current.id})`, details });
      if (apply) await stripe.products.update(current.id, { ...fields, unit_label: fields.unit_label ?? "" });
    }
  }
  return ids;
}

function priceShape(price: CatalogPrice, productId: string | undefined) {
  return {
    product: productId ?? PENDING,
    unit_amount: price.unitAmount,
    currency: price.currency,
    interval: price.interval,
    active: true,
  };
}

async function syncPrices(
  stripe: Stripe,
  catalog: readonly CatalogProduct[],
  productIds: Record<string, string>,
  apply: boolean,
  changes: SyncChange[],
): Promise<Record<string, string>> {
  const existing = new Map<string, Stripe.Price>();
  const lookupKeys = catalog.flatMap((product) => product.prices.map((price) => price.lookupKey));
  for await (const price of stripe.prices.list({ lookup_keys: lookupKeys, limit: 100 })) {
    if (price.lookup_key) existing.set(price.lookup_key, price);
  }
  const ids: Record<string, string> = {};
  const entries: Array<[CatalogProduct, CatalogPrice]> = catalog.flatMap((product) =>
    product.prices.map((price) => [product, price] as [CatalogProduct, CatalogPrice]),
  );
  for (const [product, wanted] of entries) {
    const productId = productIds[product.key];
    const desired = priceShape(wanted, productId);
    const current = existing.get(wanted.lookupKey);
    const create = async () =>
      stripe.prices.create({
        product: productId ?? "",
        unit_amount: wanted.unitAmount,
        currency: wanted.currency,
        recurring: { interval: wanted.interval },
        lookup_key: wanted.lookupKey,
        // Moves the lookup key off the old price in the same call.
        transfer_lookup_key: true,
      });
    if (!current) {
      changes.push({
        action: "create",
        target: `price ${wanted.lookupKey}`,
        details: [`${wanted.unitAmount} ${wanted.currency} per ${wanted.interval}`],
      });
      if (apply) ids[wanted.lookupKey] = (await create()).id;
      continue;
    }
    const actual = {
      product: typeof current.product === "string" ? current.product : current.product.id,
      unit_amount: current.unit_amount,
      currency: current.currency,
      interval: current.recurring?.interval ?? null,
      active: current.active,
    };
    const details = differences(actual, desired);
    if (!details.length) {
      ids[wanted.lookupKey] = current.id;
      continue;
    }
    // Prices are immutable: a new one takes over the lookup key and the old one is retired.
    changes.push({ action: "replace", target: `price ${wanted.lookupKey} (${current.id})`, details });
    if (apply) {
      ids[wanted.lookupKey] = (await create()).id;
      await stripe.prices.update(current.id, { active: false });
    }
  }
  return ids;
}

async function syncPortalConfigurations(
  stripe: Stripe,
  input: {
    appBaseUrl: string;
    apply: boolean;
    catalog: readonly CatalogProduct[];
    products: Record<string, { product: string; prices: string[] }>;
    changes: SyncChange[];
  },
): Promise<Record<string, string | null>> {
  const managed: Stripe.BillingPortal.Configuration[] = [];
  for await (const config of stripe.billingPortal.configurations.list({ active: true, limit: 100 })) {
    if (config.metadata?.managed_by === PORTAL_CONFIG_MARKER.managed_by) managed.push(config);
  }
  // Before one configuration per plan, the default offered every plan (or, earlier still,
  // named no set): that one is the default now, so STRIPE_PORTAL_CONFIG_ID stays valid.
  const everyPlan = input.catalog.map((product) => product.key).join(",");
  const isDefault = (plans: string | undefined) => !plans || plans === DEFAULT_PORTAL_PLANS || plans === everyPlan;
  const ids: Record<string, string | null> = {};
  const kept = new Set<string>();
  for (const plans of portalPlanSets(input.catalog)) {
    const key = planSetKey(plans);
    const current = managed.find(
      (config) =>
        !kept.has(config.id) &&
        (key === DEFAULT_PORTAL_PLANS ? isDefault(config.metadata?.plans) : config.metadata?.plans === key),
    );
    const products = plans.flatMap((plan) => (input.products[plan] ? [input.products[plan]] : []));
    const desired = desiredPortalConfiguration({ appBaseUrl: input.appBaseUrl, products, plans });
    const target = plans.length ? `portal configuration for ${plans.join(", ")}` : "default portal configuration";
    if (!current) {
      input.changes.push({ action: "create", target, details: [`version ${desired.metadata?.version ?? "?"}`] });
      ids[key] = input.apply ? (await stripe.billingPortal.configurations.create(desired)).id : null;
      continue;
    }
    ids[key] = current.id;
    kept.add(current.id);
    const details = differences(comparablePortalConfiguration(current), comparablePortalConfiguration(desired));
    if (details.length) {
      input.changes.push({ action: "update", target: `${target} (${current.id})`, details });
      if (input.apply) await stripe.billingPortal.configurations.update(current.id, desired);
    }
  }
  // A managed configuration no set uses any more (a set of plans from an earlier version) is
  // switched off, so no portal session opens on it. The account's default cannot be.
  for (const config of managed) {
    if (kept.has(config.id) || config.is_default) continue;
    const target = `portal configuration for ${config.metadata?.plans ?? "no plans"} (${config.id})`;
    input.changes.push({ action: "update", target, details: ["active: true → false"] });
    if (input.apply) await stripe.billingPortal.configurations.update(config.id, { active: false });
  }
  return ids;
}

/** Marks the promotion codes this code manages, so codes made by hand are left alone. */
const CODE_MARKER = { managed_by: "saas-billing" } as const;

async function syncCoupons(
  stripe: Stripe,
  coupons: readonly CatalogCoupon[],
  apply: boolean,
  changes: SyncChange[],
): Promise<void> {
  for (const wanted of coupons) {
    const terms = {
      percent_off: wanted.percentOff,
      duration: wanted.duration,
      duration_in_months: wanted.duration === "repeating" ? (wanted.durationInMonths ?? null) : null,
    };
    const create = () =>
      stripe.coupons.create({
        id: wanted.id,
        name: wanted.name,
        percent_off: terms.percent_off,
        duration: terms.duration,
        ...(terms.duration_in_months === null ? {} : { duration_in_months: terms.duration_in_months }),
      });
    const current = await stripe.coupons.retrieve(wanted.id).catch((error: unknown) => {
      if (isStripeNotFound(error)) return null;
      throw error;
    });
    const target = `coupon ${wanted.id}`;
    let replaced = false;
    if (!current) {
      changes.push({ action: "create", target, details: [wanted.name] });
      if (apply) await create();
    } else {
      const actual = {
        percent_off: current.percent_off,
        duration: current.duration,
        duration_in_months: current.duration_in_months,
      };
      const details = differences(actual, terms);
      if (details.length) {
        // A coupon's terms are fixed: the old one goes (its subscriptions keep their discount).
        // Its codes would name the deleted coupon: they are switched off and made again.
        changes.push({ action: "replace", target, details });
        replaced = true;
        if (apply) {
          for (const code of await managedCodes(stripe, wanted.id))
            await stripe.promotionCodes.update(code.id, { active: false });
          await stripe.coupons.del(wanted.id);
          await create();
        }
      } else if (current.name !== wanted.name) {
        changes.push({
          action: "update",
          target,
          details: [`name: ${JSON.stringify(current.name)} → ${JSON.stringify(wanted.name)}`],
        });
        if (apply) await stripe.coupons.update(wanted.id, { name: wanted.name });
      }
    }
    // Check mode reports a replaced coupon's codes as made again, as applying will make them.
    await syncPromotionCodes(stripe, wanted, apply, changes, !current || replaced);
  }
}

/** The active promotion codes of the coupon that this code made. */
async function managedCodes(stripe: Stripe, couponId: string): Promise<Stripe.PromotionCode[]> {
  const codes: Stripe.PromotionCode[] = [];
  for await (const code of stripe.promotionCodes.list({ coupon: couponId, active: true, limit: 100 })) {
    if (code.metadata?.managed_by === CODE_MARKER.managed_by) codes.push(code);
  }
  return codes;
}

async function syncPromotionCodes(
  stripe: Stripe,
  coupon: CatalogCoupon,
  apply: boolean,
  changes: SyncChange[],
  couponIsNew: boolean,
): Promise<void> {
  const active = couponIsNew ? [] : await managedCodes(stripe, coupon.id);
  for (const code of coupon.codes) {
    if (active.some((existing) => existing.code === code)) continue;
    changes.push({ action: "create", target: `promotion code ${code}`, details: [`for coupon ${coupon.id}`] });
    if (apply)
      await stripe.promotionCodes.create({
        promotion: { type: "coupon", coupon: coupon.id },
        code,
        metadata: CODE_MARKER,
      });
  }
  for (const existing of active) {
    if (coupon.codes.includes(existing.code)) continue;
    changes.push({
      action: "update",
      target: `promotion code ${existing.code} (${existing.id})`,
      details: ["active: true → false"],
    });
    if (apply) await stripe.promotionCodes.update(existing.id, { active: false });
  }
}

/** "path: before → after" for every leaf that differs. */
function differences(actual: unknown, desired: unknown, path = ""): string[] {
  if (isDeepStrictEqual(actual, desired)) return [];
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  if (isObject(actual) && isObject(desired)) {
    const keys = [...new Set([...Object.keys(actual), ...Object.keys(desired)])];
    return keys.flatMap((key) => differences(actual[key], desired[key], path ? `${path}.${key}` : key));
  }
  return [`${path || "value"}: ${JSON.stringify(actual)} → ${JSON.stringify(desired)}`];
}
