// The plans we sell, as versioned code. `pnpm stripe:sync` makes Stripe match this file;
// the settings page shows the display data. Prices are identified by lookup key.

export type Interval = "month" | "year";

export type CatalogPrice = {
  lookupKey: string;
  /** In the smallest currency unit (cents). */
  unitAmount: number;
  currency: "usd";
  interval: Interval;
  /** Free days before the first charge, applied at Checkout. */
  trialDays?: number;
};

export type CatalogProduct = {
  /** Stable key, stored in the Stripe product's metadata.catalog_key. */
  key: string;
  name: string;
  description: string;
  features: readonly string[];
  /**
   * Priced per seat: the subscription's quantity is the organization's member count, kept
   * in step by the seat job (its prices' amounts are per seat; Stripe's product carries
   * `unit_label: "seat"`). Otherwise flat: quantity 1.
   */
  perSeat: boolean;
  /** The most members an organization on this plan may have; null for no limit. */
  memberLimit: number | null;
  prices: readonly CatalogPrice[];
};

export const CATALOG = [
  {
    key: "starter",
    name: "Starter",
    description: "For individuals getting started.",
    features: ["1 project", "Basic reports", "Email support"],
    perSeat: false,
    memberLimit: 1,
    prices: [
      { lookupKey: "starter_monthly", unitAmount: 900, currency: "usd", interval: "month" },
      { lookupKey: "starter_yearly", unitAmount: 9_000, currency: "usd", interval: "year" },
    ],
  },
  {
    key: "pro",
    name: "Pro",
    description: "For professionals who need more.",
    features: ["10 projects", "Advanced reports", "Priority support"],
    perSeat: false,
    memberLimit: 5,
    prices: [
      { lookupKey: "pro_monthly", unitAmount: 2_900, currency: "usd", interval: "month" },
      { lookupKey: "pro_yearly", unitAmount: 29_000, currency: "usd", interval: "year", trialDays: 14 },
    ],
  },
  {
    key: "team",
    name: "Team",
    description: "For teams that work together.",
    features: ["Unlimited projects", "Team reports", "Shared billing", "Phone support"],
    perSeat: true,
    memberLimit: null,
    prices: [
      { lookupKey: "team_monthly", unitAmount: 1_200, currency: "usd", interval: "month" },
      { lookupKey: "team_yearly", unitAmount: 12_000, currency: "usd", interval: "year" },
    ],
  },
] as const satisfies readonly CatalogProduct[];

/**
 * Coupons we offer, with the promotion codes customers type at Checkout for them.
 * `pnpm stripe:sync` makes them, under these ids; a coupon's terms cannot change on Stripe,
 * so new terms replace the coupon (subscriptions that have it keep their discount).
 */
export type CatalogCoupon = {
  id: string;
  name: string;
  percentOff: number;
  duration: "once" | "repeating" | "forever";
  /** For `repeating`: how many months of invoices get the discount. */
  durationInMonths?: number;
  codes: readonly string[];
};

export const COUPONS = [
  {
    id: "launch-20",
    name: "Launch offer: 20% off for 3 months",
    percentOff: 20,
    duration: "repeating",
    durationInMonths: 3,
    codes: ["LAUNCH20"],
  },
] as const satisfies readonly CatalogCoupon[];

export type LookupKey = (typeof CATALOG)[number]["prices"][number]["lookupKey"];

/** Every lookup key we sell; never empty, so it can be a zod enum. */
export const LOOKUP_KEYS = nonEmpty(
  CATALOG.flatMap((product) => product.prices.map((price): LookupKey => price.lookupKey)),
);

function nonEmpty<T>(items: readonly T[]): [T, ...T[]] {
  const [first, ...rest] = items;
  if (first === undefined) throw new Error("the catalog sells nothing");
  return [first, ...rest];
}

export function findCatalogPrice(lookupKey: string): { product: CatalogProduct; price: CatalogPrice } | null {
  for (const product of CATALOG as readonly CatalogProduct[]) {
    const price = product.prices.find((p) => p.lookupKey === lookupKey);
    if (price) return { product, price };
  }
  return null;
}

/** The catalog product a Stripe price's lookup key belongs to, or null for one we do not sell. */
export function findCatalogProduct(lookupKey: string | null | undefined): CatalogProduct | null {
  return lookupKey ? (findCatalogPrice(lookupKey)?.product ?? null) : null;
}
