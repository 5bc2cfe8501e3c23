// Opens the Stripe Customer Portal for the customer of the caller's current organization.
import type Stripe from "stripe";
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
  // The subscriptions are a second query: read them only for the flows that name one.
  const needsSubscription = input.flow === "subscription_cancel" || input.flow === "subscription_update";
  const account = await db.account.findUnique({
    where: { organizationId: input.organizationId },
    select: { stripeCustomerId: true, subscriptions: needsSubscription },
  });
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

  const session = await callStripe(() =>
    stripe.billingPortal.sessions.create(
      {
        customer,
        return_url: returnUrl,
        ...(config.portalConfigurationId ? { configuration: config.portalConfigurationId } : {}),
        ...(flowData ? { flow_data: flowData } : {}),
      },
      USER_FACING_REQUEST,
    ),
  );
  return { redirectUrl: session.url };
}
