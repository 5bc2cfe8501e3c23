// Typed billing errors. The API layer maps them to tRPC codes in one place.
import Stripe from "stripe";

/** The user has no Stripe customer yet, so there is nothing to manage. */
export class BillingProfileMissing extends Error {
  override name = "BillingProfileMissing";
  constructor() {
    super("Billing profile not initialized");
  }
}

/** Stripe could not be reached or answered with an error of its own. */
export class StripeUnavailable extends Error {
  override name = "StripeUnavailable";
  constructor(cause: unknown) {
    super("Billing service unavailable", { cause });
  }
}

/** A live subscription exists already: plan changes go through the portal. */
export class SubscriptionExists extends Error {
  override name = "SubscriptionExists";
  constructor() {
    super("You already have a subscription. Use Manage subscription to change it.");
  }
}

/** The organization has more members than the plan allows: the message says what to do. */
export class MemberLimitReached extends Error {
  override name = "MemberLimitReached";
  constructor(planName: string, limit: number, members: number) {
    super(
      `The ${planName} plan is for up to ${limit} ${limit === 1 ? "member" : "members"}, and this organization ` +
        `has ${members}. Choose Team, billed per seat, or remove members first.`,
    );
  }
}

/**
 * The current plan has no room for another member: an invitation (members and open
 * invitations fill it) or a join (the plan changed since the invitation was sent).
 */
export class SeatLimitReached extends Error {
  override name = "SeatLimitReached";
  constructor(
    readonly when: "invite" | "join",
    planName: string,
    limit: number,
  ) {
    const room = `The ${planName} plan is for up to ${limit} ${limit === 1 ? "member" : "members"}`;
    super(
      when === "invite"
        ? `${room}, and its members and open invitations fill it. Upgrade to Team, billed per seat, to invite more.`
        : `${room}, and it is full. Ask the organization's owners to upgrade to Team, then open the link again.`,
    );
  }
}

/** A plan change that cannot be made as asked: the message says why and what to do instead. */
export class PlanChangeNotAllowed extends Error {
  override name = "PlanChangeNotAllowed";
}

/** A lookup key, checkout session or similar that does not exist, or is not the caller's. */
export class BillingNotFound extends Error {
  override name = "BillingNotFound";
}

/**
 * Runs a Stripe call; any failure of Stripe itself (network, timeout, 5xx, rate limit,
 * auth) becomes StripeUnavailable. Card errors and invalid requests stay as they are:
 * they are answers, not outages.
 */
export async function callStripe<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof Stripe.errors.StripeCardError || error instanceof Stripe.errors.StripeInvalidRequestError)
      throw error;
    if (error instanceof Stripe.errors.StripeError) throw new StripeUnavailable(error);
    throw error;
  }
}

/** Any error the Stripe SDK raised (for mapping to "Billing service unavailable"). */
export function isStripeError(error: unknown): boolean {
  return error instanceof Stripe.errors.StripeError;
}

/** Stripe's rate limit turned the call back (after the client's own re-sends), even once callStripe wrapped it. */
export function isStripeRateLimited(error: unknown): boolean {
  if (error instanceof Stripe.errors.StripeRateLimitError) return true;
  return error instanceof StripeUnavailable && error.cause instanceof Stripe.errors.StripeRateLimitError;
}

/** Stripe's answer for an id it does not have (or that another account owns): a 404. */
export function isStripeNotFound(error: unknown): boolean {
  return error instanceof Error && "statusCode" in error && error.statusCode === 404;
}

/** One line saying why; Prisma's messages start with a blank line and end with the cause. */
export function errorReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return (
    error.message
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean)
      .at(-1) ?? error.name
  );
}
