// Opens the Stripe Customer Portal for the customer of the caller's current organization.
import type Stripe from "stripe";
import { CATALOG } from "../catalog/catalog.ts";
import { planSetKey, plansFitting, PORTAL_CONFIG_MARKER } from "../catalog/portal-configuration.ts";
import type { BillingDeps } from "../deps.ts";
import { BillingNotFound, BillingProfileMissing, callStripe } from "../errors.ts";
import { currentSubscription } from "../entitlements/get-entitlement.ts";
import { seatCount } from "../seats/seat-sync.ts";
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
  // The subscriptions are a second query: read them only for the flows that name one.
  const needsSubscription = input.flow === "subscription_cancel" || input.flow === "subscription_update";
  const [account, members] = await Promise.all([
    db.account.findUnique({
      where: { organizationId: input.organizationId },
      select: { stripeCustomerId: true, subscriptions: needsSubscription },
    }),
    seatCount(db, input.organizationId),
  ]);
  if (!account?.stripeCustomerId) throw new BillingProfileMissing();
  const customer = account.stripeCustomerId;
  const returnUrl = `${config.appBaseUrl}/settings/billing`;

  let flowData: Stripe.BillingPortal.SessionCreateParams.FlowData | undefined;
  if (input.flow === "payment_method_update") {
    flowData = {
      type: "payment_method_update",
      after_completion: { type: "redirect", redirect: { return_url: returnUrl } },
    };
  } else if (input.flow) {
    const subscription = currentSubscription(account.subscriptions ?? []);
    if (!subscription || subscription.status === "canceled") throw new BillingNotFound("no subscription to change");
    const after = { type: "redirect" as const, redirect: { return_url: `${returnUrl}?portal=updated` } };
    flowData =
      input.flow === "subscription_cancel"
        ? {
            type: "subscription_cancel",
            subscription_cancel: { subscription: subscription.stripeSubscriptionId },
            after_completion: after,
          }
        : {
            type: "subscription_update",
            subscription_update: { subscription: subscription.stripeSubscriptionId },
            after_completion: after,
          };
  }

  const configuration = await configurationFor(deps, plansFitting(members));
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
 * The managed configurations by their set of plans, per Stripe client: found once, as only
 * `pnpm stripe:sync` changes them.
 */
const configurationsByPlans = new WeakMap<Stripe, Promise<Map<string, string>>>();

function managedConfigurations(stripe: Stripe, refresh: boolean): Promise<Map<string, string>> {
  let found = configurationsByPlans.get(stripe);
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
    found.catch(() => configurationsByPlans.delete(stripe));
    configurationsByPlans.set(stripe, found);
  }
  return found;
}

/**
 * The configuration that offers exactly the plans the organization's members fit: the
 * configured one (STRIPE_PORTAL_CONFIG_ID) while they fit every plan, else the managed one
 * for that set, so the portal offers no switch to a plan too small for them.
 */
async function configurationFor(
  { stripe, config }: Pick<BillingDeps, "stripe" | "config">,
  plans: string[],
): Promise<string | undefined> {
  if (plans.length === CATALOG.length) return config.portalConfigurationId;
  const key = planSetKey(plans);
  const id =
    (await managedConfigurations(stripe, false)).get(key) ?? (await managedConfigurations(stripe, true)).get(key);
  if (!id) {
    console.warn(`no portal configuration offers only ${key}: run pnpm stripe:sync; opening the default one`);
    return config.portalConfigurationId;
  }
  return id;
}
