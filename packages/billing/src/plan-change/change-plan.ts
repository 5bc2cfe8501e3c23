// Switching an organization's live subscription to another plan in the app, with the price
// the switch costs shown first. The app sets the quantity (a seat per member on a per-seat
// plan, one on a flat plan), so Stripe bills the right amount from the switch on; the
// portal switches only between a plan's own prices (docs/decisions/023).
import type Stripe from "stripe";
import { findCatalogPrice, type CatalogPrice, type CatalogProduct } from "../catalog/catalog.ts";
import type { BillingDeps } from "../deps.ts";
import { currentSubscription } from "../entitlements/get-entitlement.ts";
import { BillingNotFound, callStripe, MemberLimitReached, PlanChangeNotAllowed } from "../errors.ts";
import { BILLED_STATUSES, seatCount } from "../seats/seat-sync.ts";
import { USER_FACING_REQUEST } from "../stripe-client.ts";
import { syncCustomer } from "../sync/sync-customer.ts";

export type PlanChangePreview = {
  lookupKey: string;
  planName: string;
  interval: CatalogPrice["interval"];
  /** Seats on a per-seat plan (the members), 1 on a flat one. */
  quantity: number;
  perSeat: boolean;
  unitAmount: number;
  currency: string;
  /** What each period costs on the new plan. */
  recurringAmount: number;
  /** The prorated difference for the rest of this period: positive is owed, negative a credit. */
  prorationAmount: number;
  /**
   * A change of billing interval starts a new period at once and is invoiced now: the amount
   * charged today. Null when the change goes on the next invoice instead.
   */
  dueNow: number | null;
  /** The next invoice with the change on it, when nothing is charged today. */
  nextInvoice: { amount: number; date: string } | null;
  /** The time Stripe prorated for: the change itself uses it, so it costs what was shown. */
  prorationDate: number;
};

type Target = {
  customerId: string;
  subscription: Stripe.Subscription;
  item: Stripe.SubscriptionItem;
  product: CatalogProduct;
  price: CatalogPrice;
  priceId: string;
  quantity: number;
};

/**
 * Checks the switch (a live subscription, another price, members that fit) and finds what
 * Stripe needs for it: the subscription's item and the new price's id.
 */
async function planChangeTarget(
  { db, stripe }: Pick<BillingDeps, "db" | "stripe">,
  input: { organizationId: string; lookupKey: string },
  options: { allowCurrent?: boolean } = {},
): Promise<Target> {
  const entry = findCatalogPrice(input.lookupKey);
  if (!entry) throw new BillingNotFound(`no plan with lookup key ${input.lookupKey}`);
  const [account, members] = await Promise.all([
    db.account.findUnique({
      where: { organizationId: input.organizationId },
      select: {
        stripeCustomerId: true,
        subscriptions: { select: { stripeSubscriptionId: true, status: true, currentPeriodEnd: true } },
      },
    }),
    seatCount(db, input.organizationId),
  ]);
  const current = currentSubscription(account?.subscriptions ?? []);
  if (!account?.stripeCustomerId || !current || current.status === "canceled")
    throw new BillingNotFound("no subscription to change");
  if (!BILLED_STATUSES.includes(current.status)) {
    throw new PlanChangeNotAllowed(
      `Your subscription is ${current.status.replace("_", " ")}: ` +
        "settle it in Manage subscription before changing plan.",
    );
  }
  const { memberLimit } = entry.product;
  if (memberLimit !== null && members > memberLimit)
    throw new MemberLimitReached(entry.product.name, memberLimit, members);

  const [subscription, prices] = await Promise.all([
    callStripe(() => stripe.subscriptions.retrieve(current.stripeSubscriptionId, {}, USER_FACING_REQUEST)),
    callStripe(() =>
      stripe.prices.list({ lookup_keys: [input.lookupKey], active: true, limit: 1 }, USER_FACING_REQUEST),
    ),
  ]);
  const priceId = prices.data[0]?.id;
  if (!priceId) throw new BillingNotFound(`the plan ${input.lookupKey} is not in Stripe yet: run pnpm stripe:sync`);
  const item = subscription.items.data.length === 1 ? subscription.items.data[0] : undefined;
  if (!item) throw new PlanChangeNotAllowed("This subscription has several items: change it in Manage subscription.");
  if (item.price.id === priceId && !options.allowCurrent) {
    throw new PlanChangeNotAllowed(`You are on ${entry.product.name} ${entry.price.interval}ly already.`);
  }
  return {
    customerId: account.stripeCustomerId,
    subscription,
    item,
    product: entry.product,
    price: entry.price,
    priceId,
    quantity: entry.product.perSeat ? members : 1,
  };
}

/** How long a preview's price holds: the switch must come within this of the preview. */
const PREVIEW_VALID_SECONDS = 15 * 60;
const CLOCK_SKEW_SECONDS = 60;

/** Stripe's time for the subscription: its test clock's, else the wall clock's. */
async function stripeNow(stripe: Stripe, subscription: Stripe.Subscription): Promise<number> {
  const clock = typeof subscription.test_clock === "string" ? subscription.test_clock : subscription.test_clock?.id;
  if (!clock) return Math.floor(Date.now() / 1000);
  return (await callStripe(() => stripe.testHelpers.testClocks.retrieve(clock, {}, USER_FACING_REQUEST))).frozen_time;
}

const isProration = (line: Stripe.InvoiceLineItem) => line.parent?.subscription_item_details?.proration === true;

/** What switching to `lookupKey` would cost, from Stripe's own preview of the invoice. */
export async function previewPlanChange(
  deps: Pick<BillingDeps, "db" | "stripe">,
  input: { organizationId: string; lookupKey: string },
): Promise<PlanChangePreview> {
  const target = await planChangeTarget(deps, input);
  const invoice = await callStripe(() =>
    deps.stripe.invoices.createPreview(
      {
        customer: target.customerId,
        subscription: target.subscription.id,
        subscription_details: {
          items: [{ id: target.item.id, price: target.priceId, quantity: target.quantity }],
          proration_behavior: "create_prorations",
        },
      },
      USER_FACING_REQUEST,
    ),
  );
  const prorationDate =
    invoice.parent?.subscription_details?.subscription_proration_date ?? Math.floor(Date.now() / 1000);
  // Stripe starts a new period, and invoices it at once, when the interval changes; in a
  // trial nothing is billed until it ends.
  const immediate =
    target.item.price.recurring?.interval !== target.price.interval && target.subscription.status !== "trialing";
  const nextAt = invoice.next_payment_attempt ?? invoice.period_end;
  return {
    lookupKey: input.lookupKey,
    planName: target.product.name,
    interval: target.price.interval,
    quantity: target.quantity,
    perSeat: target.product.perSeat,
    unitAmount: target.price.unitAmount,
    currency: target.price.currency,
    recurringAmount: target.price.unitAmount * target.quantity,
    prorationAmount: invoice.lines.data.filter(isProration).reduce((sum, line) => sum + line.amount, 0),
    dueNow: immediate ? invoice.amount_due : null,
    nextInvoice: immediate ? null : { amount: invoice.amount_due, date: new Date(nextAt * 1000).toISOString() },
    prorationDate,
  };
}

/**
 * Makes the switch at the previewed proration time. The idempotency key names the switch
 * and that time, so a form sent twice (two clicks, a retried request) switches once.
 */
export async function changePlan(
  deps: Pick<BillingDeps, "db" | "stripe">,
  input: { organizationId: string; lookupKey: string; prorationDate: number },
): Promise<{ planName: string; quantity: number }> {
  const target = await planChangeTarget(deps, input, { allowCurrent: true });
  const { subscription, item } = target;
  // The date comes back from the browser: only a recent preview's is taken, so no one is
  // prorated as of the period's start after using the dearer plan to its end.
  const now = await stripeNow(deps.stripe, subscription);
  if (input.prorationDate > now + CLOCK_SKEW_SECONDS || input.prorationDate < now - PREVIEW_VALID_SECONDS) {
    throw new PlanChangeNotAllowed("That price preview has expired: choose the plan again to see what it costs now.");
  }
  // Sent twice (a second click after the first went through): already done, so nothing to do.
  if (item.price.id === target.priceId && item.quantity === target.quantity) {
    return { planName: target.product.name, quantity: target.quantity };
  }
  await callStripe(() =>
    deps.stripe.subscriptions.update(
      subscription.id,
      {
        items: [{ id: item.id, price: target.priceId, quantity: target.quantity }],
        proration_behavior: "create_prorations",
        proration_date: input.prorationDate,
      },
      {
        ...USER_FACING_REQUEST,
        idempotencyKey:
          `plan:${subscription.id}:${item.price.id}-${target.priceId}` + `x${target.quantity}@${input.prorationDate}`,
      },
    ),
  );
  // Bring the new plan in now rather than wait for the webhook; if this read fails, the
  // webhook's sync brings it a moment later, so the switch itself still stands.
  await syncCustomer(deps, target.customerId, USER_FACING_REQUEST).catch((error: unknown) => {
    console.warn(`plan change of ${subscription.id} made; its sync waits for the webhook:`, error);
  });
  return { planName: target.product.name, quantity: target.quantity };
}
