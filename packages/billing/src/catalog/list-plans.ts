// The catalog with the amounts Stripe actually charges, cached briefly: the settings
// page renders it on every visit and prices change rarely.
import type Stripe from "stripe";
import { callStripe } from "../errors.ts";
import { USER_FACING_REQUEST } from "../stripe-client.ts";
import { CATALOG, LOOKUP_KEYS, type CatalogProduct, type Interval, type LookupKey } from "./catalog.ts";

export type Plan = {
  key: string;
  name: string;
  description: string;
  features: readonly string[];
  /** The amounts are per seat, and the quantity is the member count. */
  perSeat: boolean;
  /** The most members an organization on this plan may have; null for no limit. */
  memberLimit: number | null;
  prices: Array<{
    lookupKey: LookupKey;
    interval: Interval;
    unitAmount: number;
    currency: string;
    trialDays: number | null;
  }>;
};

const TTL_MS = 60_000;
let cache: { plans: Plan[]; at: number; stripe: Stripe } | null = null;

export async function listPlans(stripe: Stripe, now = Date.now()): Promise<Plan[]> {
  if (cache && cache.stripe === stripe && now - cache.at < TTL_MS) return cache.plans;
  const live = new Map<string, Stripe.Price>();
  await callStripe(async () => {
    const prices = stripe.prices.list({ lookup_keys: LOOKUP_KEYS, active: true, limit: 100 }, USER_FACING_REQUEST);
    for await (const price of prices) {
      if (price.lookup_key) live.set(price.lookup_key, price);
    }
  });
  const plans = (CATALOG as readonly CatalogProduct[]).map((product) => ({
    key: product.key,
    name: product.name,
    description: product.description,
    features: product.features,
    perSeat: product.perSeat,
    memberLimit: product.memberLimit,
    prices: product.prices.map((price) => {
      const stripePrice = live.get(price.lookupKey);
      return {
        lookupKey: price.lookupKey as LookupKey,
        interval: price.interval,
        unitAmount: stripePrice?.unit_amount ?? price.unitAmount,
        currency: stripePrice?.currency ?? price.currency,
        trialDays: price.trialDays ?? null,
      };
    }),
  }));
  cache = { plans, at: now, stripe };
  return plans;
}
