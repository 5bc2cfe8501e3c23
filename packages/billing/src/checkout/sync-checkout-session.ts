// On return from Checkout: bring the organization's subscription in at once, before the webhook lands.
import type { BillingDeps } from "../deps.ts";
import { BillingNotFound, callStripe, isStripeNotFound } from "../errors.ts";
import { USER_FACING_REQUEST } from "../stripe-client.ts";
import { syncCustomer } from "../sync/sync-customer.ts";

export async function syncCheckoutSession(
  deps: Pick<BillingDeps, "db" | "stripe">,
  input: { organizationId: string; sessionId: string },
): Promise<{ status: string | null; complete: boolean }> {
  const account = await deps.db.account.findUnique({
    where: { organizationId: input.organizationId },
    select: { stripeCustomerId: true },
  });
  const retrieve = () => deps.stripe.checkout.sessions.retrieve(input.sessionId, {}, USER_FACING_REQUEST);
  const session = await callStripe(retrieve).catch((error: unknown) => {
    if (isStripeNotFound(error)) return null;
    throw error;
  });
  const sessionCustomer = typeof session?.customer === "string" ? session.customer : session?.customer?.id;
  // Someone else's session (or none) looks exactly like a missing one.
  if (!session || !account?.stripeCustomerId || sessionCustomer !== account.stripeCustomerId) {
    throw new BillingNotFound("checkout session not found");
  }
  await syncCustomer(deps, account.stripeCustomerId, USER_FACING_REQUEST);
  return { status: session.status, complete: session.status === "complete" };
}
