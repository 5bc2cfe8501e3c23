// Billing for routes: the Stripe client and settings, read once from the environment.
import { createCaller, createContext } from "@saas/api";
import { createStripeClient, isLiveKey, type BillingDeps } from "@saas/billing";
import { TRPCError } from "@trpc/server";
import { DatabaseUnavailable } from "@saas/db/client";
import type { CurrentOrganization } from "@saas/auth";
import { getSignedIn, pageUnavailable, requireSignedIn, type RequestArgs, type SignedIn } from "./auth.server";
import { db } from "./db.server";
import { appSettings } from "./settings.server";

// Routes reach billing only through this server module (see auth.server.ts).
export {
  appRouter,
  billingEmailInput,
  changeRoleInput,
  checkoutSessionInput,
  createOrganizationInput,
  invitationInput,
  invitationTokenInput,
  inviteInput,
  planChangeInput,
  planChangePreviewInput,
  portalSessionInput,
  removeMemberInput,
} from "@saas/api";
export { handleStripeWebhook, MAX_WEBHOOK_BYTES, StripeUnavailable, updateUserEmail } from "@saas/billing";

const { stripe, appBaseUrl } = appSettings();

export const billing: BillingDeps = {
  db,
  stripe: createStripeClient({ secretKey: stripe.secretKey, apiBase: stripe.apiBase, timeoutMs: stripe.timeoutMs }),
  config: { appBaseUrl, portalConfigurationId: stripe.portalConfigurationId, automaticTax: stripe.automaticTax },
};

export const webhookSettings = {
  secrets: stripe.webhookSecrets,
  livemode: isLiveKey(stripe.secretKey),
};

/** The procedures' context for a validated session (or none): the user and their current organization. */
export function trpcContext(signedIn: SignedIn | null) {
  if (!signedIn) return createContext({ ...billing, user: null, organization: null });
  const organization: CurrentOrganization | null = signedIn.session.organization;
  return createContext({ ...billing, user: { id: signedIn.user.id, email: signedIn.user.email }, organization });
}

/** A server-side tRPC caller for whoever asks, signed in or not (an invitation's page). */
export async function optionalCallerFor(args: RequestArgs) {
  return callerWithin(args, trpcContext(await getSignedIn(args)));
}

/**
 * A server-side tRPC caller for the signed-in user (redirects to login otherwise). In a
 * loader (GET), a database that stops answering after the session lookup shows the
 * "temporarily unavailable" page (503), as the lookup itself does; an action keeps the
 * tRPC error, whose message it shows beside the form.
 */
export async function callerFor(args: RequestArgs) {
  return callerWithin(args, trpcContext(await requireSignedIn(args)));
}

function callerWithin({ request }: RequestArgs, context: ReturnType<typeof trpcContext>) {
  if (request.method !== "GET" && request.method !== "HEAD") return createCaller(context);
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
