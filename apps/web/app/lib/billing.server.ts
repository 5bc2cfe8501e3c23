// Billing for routes: the Stripe client and settings, read once from the environment.
import { createCaller, createContext } from "@saas/api";
import { createStripeClient, getEntitlement, readBillingEnv, type BillingDeps } from "@saas/billing";
import { TRPCError } from "@trpc/server";
import { requireSignedIn, type RequestArgs } from "./auth.server";
import { db } from "./db.server";

// Routes reach billing only through this server module (see auth.server.ts).
export { appRouter, type RouterInputs } from "@saas/api";
export { handleStripeWebhook, MAX_WEBHOOK_BYTES, StripeUnavailable, updateUserEmail } from "@saas/billing";

const env = readBillingEnv();

export const billing: BillingDeps = {
  db,
  stripe: createStripeClient({ secretKey: env.STRIPE_SECRET_KEY, apiBase: env.STRIPE_API_BASE, timeoutMs: env.STRIPE_TIMEOUT_MS }),
  config: { appBaseUrl: env.APP_BASE_URL, portalConfigurationId: env.STRIPE_PORTAL_CONFIG_ID },
};

export const webhookSettings = {
  secrets: env.STRIPE_WEBHOOK_SECRET ?? [],
  livemode: /^(sk|rk)_live_/.test(env.STRIPE_SECRET_KEY),
};

export function trpcContext(user: { id: string; email: string } | null) {
  return createContext({ ...billing, user });
}

/** A server-side tRPC caller for the signed-in user (redirects to login otherwise). */
export async function callerFor(args: RequestArgs) {
  const { user } = await requireSignedIn(args);
  return createCaller(trpcContext({ id: user.id, email: user.email }));
}

export function entitlementOf(userId: string) {
  return getEntitlement(db, userId);
}

/** What a user may read of a failed call: tRPC's message, never an internal error's. */
export function userMessage(error: unknown): string {
  if (!(error instanceof TRPCError)) return "Something went wrong. Please try again.";
  return error.code === "BAD_REQUEST" ? "That request was not valid." : error.message;
}
