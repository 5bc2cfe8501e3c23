// The Customer Portal's configurations, as versioned code. Bump PORTAL_CONFIG_VERSION
// with any change so Stripe's copy says which version it is. One configuration per plan,
// offering a switch only between that plan's own prices (monthly and yearly): the quantity
// stays as it is, which is right within a plan. A switch to another plan changes what the
// quantity means (seats, or one flat unit), so the app makes it, with its price shown first
// (plan-change/change-plan.ts). The default configuration, for an organization with no plan
// yet, offers no switch at all.
import type Stripe from "stripe";
import { CATALOG, type CatalogProduct } from "./catalog.ts";

const PORTAL_CONFIG_VERSION = "5";
/** Marks the configurations this code manages among any others on the Stripe account. */
export const PORTAL_CONFIG_MARKER = { managed_by: "saas-billing" } as const;

export type PortalProducts = Array<{ product: string; prices: string[] }>;

/** How the default configuration (STRIPE_PORTAL_CONFIG_ID), which offers no plan, names its set. */
export const DEFAULT_PORTAL_PLANS = "none";

/** The default configuration's empty set, then one set per plan, in catalog order. */
export function portalPlanSets(catalog: readonly CatalogProduct[] = CATALOG): string[][] {
  return [[], ...catalog.map((product) => [product.key])];
}

/** How a configuration's metadata names its set of plans. */
export const planSetKey = (plans: readonly string[]) => (plans.length ? plans.join(",") : DEFAULT_PORTAL_PLANS);

export function desiredPortalConfiguration(input: {
  appBaseUrl: string;
  /** The products of the plans it offers, with their live price ids, for plan changes; none for the default. */
  products: PortalProducts;
  /** Their catalog keys, kept in the metadata so the configuration is found again. */
  plans: readonly string[];
}): Stripe.BillingPortal.ConfigurationCreateParams {
  return {
    business_profile: { headline: "Acme SaaS: manage your subscription" },
    default_return_url: `${input.appBaseUrl}/settings/billing`,
    features: {
      // Not the email: it is the organization's billing email, which only owners change (in the app).
      // Tax IDs too: a business adds or corrects its VAT number for its next invoices.
      customer_update: { enabled: true, allowed_updates: ["name", "address", "tax_id"] },
      invoice_history: { enabled: true },
      payment_method_update: { enabled: true },
      subscription_cancel: {
        enabled: true,
        mode: "at_period_end",
        proration_behavior: "none",
        cancellation_reason: {
          enabled: true,
          options: ["too_expensive", "missing_features", "switched_service", "unused", "other"],
        },
      },
      // Only the price: the app owns the quantity (seats follow the members).
      subscription_update: input.products.length
        ? {
            enabled: true,
            default_allowed_updates: ["price"],
            proration_behavior: "create_prorations",
            products: input.products,
          }
        : { enabled: false },
    },
    metadata: { ...PORTAL_CONFIG_MARKER, version: PORTAL_CONFIG_VERSION, plans: planSetKey(input.plans) },
  };
}

/**
 * The parts of a configuration this code decides, in one comparable shape, so a
 * configuration read back from Stripe can be compared with the desired one.
 */
export function comparablePortalConfiguration(config: {
  business_profile?: { headline?: string | null } | null;
  default_return_url?: string | null;
  features: {
    customer_update?: { enabled: boolean; allowed_updates?: readonly string[] | "" | null } | null;
    invoice_history?: { enabled: boolean } | null;
    payment_method_update?: { enabled: boolean } | null;
    subscription_cancel?: {
      enabled: boolean;
      mode?: string | null;
      proration_behavior?: string | null;
      cancellation_reason?: { enabled: boolean; options?: readonly string[] | "" | null } | null;
    } | null;
    subscription_update?: {
      enabled: boolean;
      default_allowed_updates?: readonly string[] | "" | null;
      proration_behavior?: string | null;
      products?: ReadonlyArray<{ product: string; prices: readonly string[] }> | "" | null;
    } | null;
  };
  metadata?: Record<string, string | number | null> | null | "";
}) {
  const list = (value: readonly string[] | "" | null | undefined) => [...(value || [])].sort();
  const f = config.features;
  return {
    headline: config.business_profile?.headline ?? null,
    default_return_url: config.default_return_url ?? null,
    customer_update: {
      enabled: f.customer_update?.enabled ?? false,
      allowed_updates: list(f.customer_update?.allowed_updates),
    },
    invoice_history: f.invoice_history?.enabled ?? false,
    payment_method_update: f.payment_method_update?.enabled ?? false,
    subscription_cancel: {
      enabled: f.subscription_cancel?.enabled ?? false,
      mode: f.subscription_cancel?.mode ?? null,
      proration_behavior: f.subscription_cancel?.proration_behavior ?? null,
      reasons: f.subscription_cancel?.cancellation_reason?.enabled
        ? list(f.subscription_cancel.cancellation_reason.options)
        : [],
    },
    // Switched off, what else it holds does nothing (Stripe keeps it from before).
    subscription_update: f.subscription_update?.enabled
      ? {
          enabled: true,
          default_allowed_updates: list(f.subscription_update.default_allowed_updates),
          proration_behavior: f.subscription_update.proration_behavior ?? null,
          products: [...(f.subscription_update.products || [])]
            .map((p) => ({ product: p.product, prices: [...p.prices].sort() }))
            .sort((a, b) => a.product.localeCompare(b.product)),
        }
      : { enabled: false },
    version: (config.metadata || {}).version ?? null,
    plans: (config.metadata || {}).plans ?? null,
  };
}
