// Maps an organization to exactly one Stripe customer, however many requests ask at once,
// with no database transaction open while Stripe answers.
import type Stripe from "stripe";
import type { BillingDeps } from "../deps.ts";
import { BillingNotFound, callStripe } from "../errors.ts";
import { USER_FACING_REQUEST } from "../stripe-client.ts";
import { billingContact } from "./billing-contact.ts";

/** The idempotency key for creating an organization's customer: a retry returns the first customer. */
export const customerIdempotencyKey = (organizationId: string) => `customer-for-organization-${organizationId}`;

/** Creations in flight in this process, by organization: concurrent callers share one. */
const inFlight = new Map<string, Promise<string>>();

/**
 * Returns the organization's Stripe customer id, creating the customer first when there is none.
 *
 * Nothing is locked while Stripe answers. Concurrent calls in one process share one creation;
 * calls from other processes send the same idempotency key, so Stripe answers them all with
 * the one customer it made. The id is then stored only where none is yet (a conditional
 * update), and the stored id is what every caller returns. If Stripe fails, nothing is stored
 * and StripeUnavailable is thrown. A user waits on it unless a background caller passes other
 * request options.
 */
export async function ensureCustomer(
  deps: Pick<BillingDeps, "db" | "stripe">,
  organizationId: string,
  request: Stripe.RequestOptions = USER_FACING_REQUEST,
): Promise<string> {
  const known = await deps.db.account.findUnique({ where: { organizationId }, select: { stripeCustomerId: true } });
  if (!known) throw new BillingNotFound(`no billing account for organization ${organizationId}`);
  if (known.stripeCustomerId) return known.stripeCustomerId;

  const pending = inFlight.get(organizationId);
  if (pending) return pending;
  const creation = createAndStore(deps, organizationId, request).finally(() => inFlight.delete(organizationId));
  inFlight.set(organizationId, creation);
  return creation;
}

async function createAndStore(
  { db, stripe }: Pick<BillingDeps, "db" | "stripe">,
  organizationId: string,
  request: Stripe.RequestOptions,
): Promise<string> {
  const contact = await billingContact(db, organizationId);
  const customer = await callStripe(() =>
    stripe.customers.create(
      { email: contact.email, name: contact.name, metadata: { organizationId } },
      { ...request, idempotencyKey: customerIdempotencyKey(organizationId) },
    ),
  );
  // Only where no customer is stored yet: another process may have stored this same one.
  await db.account.updateMany({
    where: { organizationId, stripeCustomerId: null },
    data: { stripeCustomerId: customer.id },
  });
  const stored = await db.account.findUnique({ where: { organizationId }, select: { stripeCustomerId: true } });
  if (!stored?.stripeCustomerId) throw new BillingNotFound(`no billing account for organization ${organizationId}`);
  return stored.stripeCustomerId;
}
