// Starts a subscription through Stripe Checkout.
import { findCatalogPrice } from "../catalog/catalog.ts";
import { ensureCustomer } from "../customers/ensure-customer.ts";
import type { BillingDeps } from "../deps.ts";
import { BillingNotFound, callStripe, MemberLimitReached, SubscriptionExists } from "../errors.ts";
import { seatCount } from "../seats/seat-sync.ts";
import { USER_FACING_REQUEST } from "../stripe-client.ts";

/** Statuses in which the organization still has a subscription to manage rather than buy. */
const LIVE_STATUSES = ["active", "trialing", "past_due", "unpaid", "incomplete", "paused"];

export async function createCheckoutSession(
  deps: BillingDeps,
  input: { organizationId: string; lookupKey: string },
): Promise<{ redirectUrl: string }> {
  const { db, stripe, config } = deps;
  const entry = findCatalogPrice(input.lookupKey);
  if (!entry) throw new BillingNotFound(`no plan with lookup key ${input.lookupKey}`);

  const live = await db.subscription.count({
    where: { account: { organizationId: input.organizationId }, status: { in: LIVE_STATUSES } },
  });
  if (live) throw new SubscriptionExists();
  const members = await seatCount(db, input.organizationId);
  const { memberLimit } = entry.product;
  if (memberLimit !== null && members > memberLimit)
    throw new MemberLimitReached(entry.product.name, memberLimit, members);

  const customer = await ensureCustomer(deps, input.organizationId);
  const price = await callStripe(() =>
    stripe.prices.list({ lookup_keys: [input.lookupKey], active: true, limit: 1 }, USER_FACING_REQUEST),
  );
  const priceId = price.data[0]?.id;
  if (!priceId) throw new BillingNotFound(`the plan ${input.lookupKey} is not in Stripe yet: run pnpm stripe:sync`);

  // A per-seat plan starts with a seat for each member; the seat job keeps it so.
  const quantity = entry.product.perSeat ? members : 1;
  const billingUrl = `${config.appBaseUrl}/settings/billing`;
  const session = await callStripe(() =>
    stripe.checkout.sessions.create(
      {
        mode: "subscription",
        customer,
        line_items: [{ price: priceId, quantity }],
        success_url: `${billingUrl}?checkout=success&session_id={CHECKOUT_SESSION_ID}`,
        cancel_url: `${billingUrl}?checkout=canceled`,
        client_reference_id: input.organizationId,
        metadata: { organizationId: input.organizationId },
        subscription_data: {
          metadata: { organizationId: input.organizationId },
          ...(entry.price.trialDays ? { trial_period_days: entry.price.trialDays } : {}),
        },
      },
      USER_FACING_REQUEST,
    ),
  );
  if (!session.url) throw new Error(`checkout session ${session.id} has no url`);
  return { redirectUrl: session.url };
}
