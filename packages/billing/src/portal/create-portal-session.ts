// Opens the Stripe Customer Portal for the customer of the caller's current organization.
import type Stripe from "stripe";
import { findCatalogProduct } from "../catalog/catalog.ts";
import { PORTAL_CONFIG_MARKER } from "../catalog/portal-configuration.ts";
import type { BillingDeps } from "../deps.ts";
import { BillingNotFound, BillingProfileMissing, callStripe } from "../errors.ts";
import { currentSubscription } from "../entitlements/get-entitlement.ts";
import { USER_FACING_REQUEST } from "../stripe-client.ts";

export const PORTAL_FLOWS = ["payment_method_update", "subscription_cancel", "subscription_update"] as const;
export type PortalFlow = (typeof PORTAL_FLOWS)[number];

/**
 * The customer comes from the organization's account, never from the request; the return URL
 * comes from configuration, never from the client.
 */
export async function createPortalSession(
  deps: BillingDeps,
  input: { organizationId: string; flow?: PortalFlow | undefined },
): Promise<{ redirectUrl: string }> {
  const { db, stripe, config } = deps;
  // One statement for the customer and its subscriptions (the plan picks the configuration).
  const rows = await db.$queryRaw<
    Array<{
      stripeCustomerId: string | null;
      stripeSubscriptionId: string | null;
      status: string | null;
      currentPeriodEnd: Date | null;
      priceLookupKey: string | null;
    }>
  >`
    SELECT a.stripe_customer_id AS "stripeCustomerId", s.stripe_subscription_id AS "stripeSubscriptionId",
      s.status, s.current_period_end AS "currentPeriodEnd", s.price_lookup_key AS "priceLookupKey"
    FROM accounts a LEFT JOIN subscriptions s ON s.account_id = a.id
    WHERE a.organization_id = ${input.organizationId}`;
  const customer = rows[0]?.stripeCustomerId;
  if (!customer) throw new BillingProfileMissing();
  // The LEFT JOIN's row for an account without subscriptions has none of their columns.
  const subscriptions = rows.flatMap(({ stripeSubscriptionId, status, currentPeriodEnd, priceLookupKey }) =>
    stripeSubscriptionId && status && currentPeriodEnd
      ? [{ stripeSubscriptionId, status, currentPeriodEnd, priceLookupKey }]
      : [],
  );
  const current = currentSubscription(subscriptions);
  const live = current && current.status !== "canceled" && current.status !== "incomplete_expired" ? current : null;
  const returnUrl = `${config.appBaseUrl}/settings/billing`;

  let flowData: Stripe.BillingPortal.SessionCreateParams.FlowData | undefined;
  if (input.flow === "payment_method_update") {
    flowData = {
      type: "payment_method_update",
      after_completion: { type: "redirect", redirect: { return_url: returnUrl } },
    };
  } else if (input.flow) {
    if (!live) throw new BillingNotFound("no subscription to change");
    const after = { type: "redirect" as const, redirect: { return_url: `${returnUrl}?portal=updated` } };
    flowData =
      input.flow === "subscription_cancel"
        ? {
            type: "subscription_cancel",
            subscription_cancel: { subscription: live.stripeSubscriptionId },
            after_completion: after,
          }
        : {
            type: "subscription_update",
            subscription_update: { subscription: live.stripeSubscriptionId },
            after_completion: after,
          };
  }

  const configuration = await configurationFor(deps, findCatalogProduct(live?.priceLookupKey)?.key ?? null);
  const session = await callStripe(() =>
    stripe.billingPortal.sessions.create(
      {
        customer,
        return_url: returnUrl,
        ...(configuration ? { configuration } : {}),
        ...(flowData ? { flow_data: flowData } : {}),
      },
      USER_FACING_REQUEST,
    ),
  );
  return { redirectUrl: session.url };
}

/**
 * The managed configurations by their plan, per Stripe client: found once, as only
 * `pnpm stripe:sync` changes them.
 */
const configurationsByPlan = new WeakMap<Stripe, Promise<Map<string, string>>>();

function managedConfigurations(stripe: Stripe, refresh: boolean): Promise<Map<string, string>> {
  let found = configurationsByPlan.get(stripe);
  if (!found || refresh) {
    found = callStripe(async () => {
      const ids = new Map<string, string>();
      const list = stripe.billingPortal.configurations.list({ active: true, limit: 100 }, USER_FACING_REQUEST);
      for await (const config of list) {
        const plans = config.metadata?.plans;
        if (config.metadata?.managed_by === PORTAL_CONFIG_MARKER.managed_by && plans) ids.set(plans, config.id);
      }
      return ids;
    });
    found.catch(() => configurationsByPlan.delete(stripe));
    configurationsByPlan.set(stripe, found);
  }
  return found;
}

/**
 * The configuration for the organization's plan, which offers a switch between that plan's
 * own prices only; with no live plan, the configured default (STRIPE_PORTAL_CONFIG_ID),
 * which offers none. A switch to another plan is made in the app, with the right quantity.
 */
async function configurationFor(
  { stripe, config }: Pick<BillingDeps, "stripe" | "config">,
  plan: string | null,
): Promise<string | undefined> {
  if (plan === null) return config.portalConfigurationId;
  const id =
    (await managedConfigurations(stripe, false)).get(plan) ?? (await managedConfigurations(stripe, true)).get(plan);
  if (!id) {
    console.warn(`no portal configuration for the ${plan} plan: run pnpm stripe:sync; opening the default one`);
    return config.portalConfigurationId;
  }
  return id;
}
