// The billing procedures behind Settings → Billing. Every one acts on the caller's own
// account: no input names a customer, subscription or URL to return to.
import {
  createCheckoutSession,
  createPortalSession,
  getBillingStatus,
  getEntitlement,
  listPlans,
  LOOKUP_KEYS,
  PORTAL_FLOWS,
  syncCheckoutSession,
} from "@saas/billing";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { protectedProcedure, stripeProcedure } from "../trpc.ts";

/** The inputs, also for server-side callers that parse a form into them. */
export const checkoutSessionInput = z.object({ lookupKey: z.enum(LOOKUP_KEYS) });
export const portalSessionInput = z.object({ flow: z.enum(PORTAL_FLOWS).optional() }).optional();

export const billingRouter = {
  plans: protectedProcedure.query(({ ctx }) => listPlans(ctx.stripe)),

  status: protectedProcedure.query(({ ctx }) => getBillingStatus(ctx.db, ctx.user.id)),

  /** What the caller's plan lets them use: paid pages check it. */
  entitlement: protectedProcedure.query(async ({ ctx }) => {
    const { access, reason } = await getEntitlement(ctx.db, ctx.user.id);
    return { access, reason };
  }),

  // Each of these calls Stripe for the user: rate-limited per user (the plans are cached for everyone).
  createCheckoutSession: stripeProcedure
    .input(checkoutSessionInput)
    .mutation(({ ctx, input }) => createCheckoutSession(ctx, { userId: ctx.user.id, lookupKey: input.lookupKey })),

  syncCheckoutSession: stripeProcedure
    .input(
      z.object({
        sessionId: z
          .string()
          .regex(/^cs_[A-Za-z0-9_]+$/, { error: "Not a checkout session id" })
          .max(255),
      }),
    )
    .mutation(({ ctx, input }) => syncCheckoutSession(ctx, { userId: ctx.user.id, sessionId: input.sessionId })),

  createPortalSession: stripeProcedure
    .input(portalSessionInput)
    .mutation(({ ctx, input }) => createPortalSession(ctx, { userId: ctx.user.id, flow: input?.flow })),
} satisfies TRPCRouterRecord;
