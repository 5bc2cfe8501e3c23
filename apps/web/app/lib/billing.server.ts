// Billing for routes: the Stripe client and settings, read once from the environment.
import { createCaller, createContext } from "@saas/api";
import { createStripeClient, isLiveKey, type BillingDeps } from "@saas/billing";
import { TRPCError } from "@trpc/server";
import { DatabaseUnavailable } from "@saas/db/client";
import { pageUnavailable, requireSignedIn, type RequestArgs } from "./auth.server";
import { db } from "./db.server";
import { appSettings } from "./settings.server";

// Routes reach billing only through this server module (see auth.server.ts).
export { appRouter, checkoutSessionInput, portalSessionInput } from "@saas/api";
export { handleStripeWebhook, MAX_WEBHOOK_BYTES, StripeUnavailable, updateUserEmail } from "@saas/billing";

const { stripe, appBaseUrl } = appSettings();

export const billing: BillingDeps = {
  db,
  stripe: createStripeClient({ secretKey: stripe.secretKey, apiBase: stripe.apiBase, timeoutMs: stripe.timeoutMs }),
  config: { appBaseUrl, portalConfigurationId: stripe.portalConfigurationId },
};

export const webhookSettings = {
  secrets: stripe.webhookSecrets,
  livemode: isLiveKey(stripe.secretKey),
};

export function trpcContext(user: { id: string; email: string } | null) {
  return createContext({ ...billing, user });
}

/**
 * A server-side tRPC caller for the signed-in user (redirects to login otherwise). In a
 * loader (GET), a database that stops answering after the session lookup shows the
 * "temporarily unavailable" page (503), as the lookup itself does; an action keeps the
 * tRPC error, whose message it shows beside the form.
 */
export async function callerFor(args: RequestArgs) {
  const { user } = await requireSignedIn(args);
  const context = trpcContext({ id: user.id, email: user.email });
  if (args.request.method !== "GET" && args.request.method !== "HEAD") return createCaller(context);
  return createCaller(context, {
    onError: ({ error }) => {
      if (error.cause instanceof DatabaseUnavailable) throw pageUnavailable();
    },
  });
}

/** What a user may read of a failed call: tRPC's message, never an internal error's. */
export function userMessage(error: unknown): string {
  if (!(error instanceof TRPCError)) return "Something went wrong. Please try again.";
  return error.code === "BAD_REQUEST" ? "That request was not valid." : error.message;
}
