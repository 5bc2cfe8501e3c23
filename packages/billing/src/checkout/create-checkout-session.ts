// Starts a subscription through Stripe Checkout.
import Stripe from "stripe";
import { COUPONS, findCatalogPrice } from "../catalog/catalog.ts";
import { ensureCustomer } from "../customers/ensure-customer.ts";
import type { BillingDeps } from "../deps.ts";
import { BillingNotFound, callStripe, MemberLimitReached, SubscriptionExists } from "../errors.ts";
import { seatCount } from "../seats/seat-sync.ts";
import { hadTrial } from "../status/get-billing-status.ts";
import { USER_FACING_REQUEST } from "../stripe-client.ts";

/** Checkout offers its code field only while the catalog has codes to type into it. */
const PROMOTION_CODES_OFFERED = COUPONS.some((coupon) => coupon.codes.length > 0);

/** Statuses in which the organization still has a subscription to manage rather than buy. */
const LIVE_STATUSES = ["active", "trialing", "past_due", "unpaid", "incomplete", "paused"];

export async function createCheckoutSession(
  deps: BillingDeps,
  input: { organizationId: string; lookupKey: string },
): Promise<{ redirectUrl: string }> {
  const { db, stripe, config } = deps;
  const entry = findCatalogPrice(input.lookupKey);
  if (!entry) throw new BillingNotFound(`no plan with lookup key ${input.lookupKey}`);

  const subscriptions = await db.subscription.findMany({
    where: { account: { organizationId: input.organizationId } },
    select: { status: true, trialEnd: true },
  });
  if (subscriptions.some((subscription) => LIVE_STATUSES.includes(subscription.status))) throw new SubscriptionExists();
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
  // Just before the new one opens: a request refused above leaves the other tab's as it was.
  await expireOpenCheckouts(stripe, customer);

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
        // The catalog's promotion codes (LAUNCH20) are typed on Checkout's own page.
        allow_promotion_codes: PROMOTION_CODES_OFFERED,
        // The billing address and a business's tax ID go on the customer and every invoice;
        // Stripe Tax computes tax from them where it is switched on (STRIPE_AUTOMATIC_TAX).
        billing_address_collection: "required",
        tax_id_collection: { enabled: true },
        customer_update: { address: "auto", name: "auto" },
        ...(config.automaticTax ? { automatic_tax: { enabled: true } } : {}),
        subscription_data: {
          metadata: { organizationId: input.organizationId },
          // One trial per organization: none for one that had a trial before (and canceled).
          ...(entry.price.trialDays && !hadTrial(subscriptions) ? { trial_period_days: entry.price.trialDays } : {}),
        },
      },
      USER_FACING_REQUEST,
    ),
  );
  if (!session.url) throw new Error(`checkout session ${session.id} has no url`);
  return { redirectUrl: session.url };
}

/**
 * One subscription per organization: a Checkout opened earlier (another tab, a visit left
 * half-way) is expired before a new one opens, so its payment can never be taken. Its page
 * then says it has expired. One that completed or expired meanwhile is left as it is.
 */
async function expireOpenCheckouts(stripe: Stripe, customer: string): Promise<void> {
  const open = await callStripe(() =>
    stripe.checkout.sessions.list({ customer, status: "open", limit: 100 }, USER_FACING_REQUEST),
  );
  await Promise.all(
    open.data
      .filter((session) => session.mode === "subscription")
      .map((session) =>
        callStripe(() => stripe.checkout.sessions.expire(session.id, {}, USER_FACING_REQUEST)).catch(
          (error: unknown) => {
            if (!(error instanceof Stripe.errors.StripeInvalidRequestError)) throw error;
          },
        ),
      ),
  );
}
