// The billing procedures behind Settings → Billing. Every one acts on the account of the
// caller's current organization: no input names an organization, customer, subscription or
// URL to return to. Members read; owners and admins also pay and manage.
import {
  changePlan,
  createCheckoutSession,
  createPortalSession,
  getBillingStatus,
  getEntitlement,
  listInvoices,
  listPlans,
  LOOKUP_KEYS,
  PORTAL_FLOWS,
  previewPlanChange,
  syncCheckoutSession,
} from "@saas/billing";
import { BILLING_MANAGER, hasRole } from "@saas/auth";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { billingManagerProcedure, orgProcedure, protectedProcedure } from "../trpc.ts";

/** The inputs, also for server-side callers that parse a form into them. */
export const checkoutSessionInput = z.object({ lookupKey: z.enum(LOOKUP_KEYS) });
export const portalSessionInput = z.object({ flow: z.enum(PORTAL_FLOWS).optional() }).optional();
export const planChangePreviewInput = z.object({ lookupKey: z.enum(LOOKUP_KEYS) });
/** `prorationDate` is the preview's: the switch is prorated as of it, so it costs what was shown. */
export const planChangeInput = planChangePreviewInput.extend({ prorationDate: z.number().int().positive() });

export const billingRouter = {
  plans: protectedProcedure.query(({ ctx }) => listPlans(ctx.stripe)),

  /** The organization's plan and status; `canManage` says whether the caller may pay and manage it. */
  status: orgProcedure("member").query(async ({ ctx }) => ({
    ...(await getBillingStatus(ctx.db, ctx.organization.id)),
    canManage: hasRole(ctx.membership.role, BILLING_MANAGER),
  })),

  /** What the organization's plan lets its members use: paid pages check it. */
  entitlement: orgProcedure("member").query(async ({ ctx }) => {
    const { access, reason } = await getEntitlement(ctx.db, ctx.organization.id);
    return { access, reason };
  }),

  // Each of these calls Stripe for the organization: owners and admins only, rate-limited per
  // user (the plans are cached for everyone).
  /** The organization's recent invoices, newest first, with Stripe's links to them. */
  invoices: billingManagerProcedure.query(({ ctx }) => listInvoices(ctx, ctx.organization.id)),

  createCheckoutSession: billingManagerProcedure
    .input(checkoutSessionInput)
    .mutation(({ ctx, input }) =>
      createCheckoutSession(ctx, { organizationId: ctx.organization.id, lookupKey: input.lookupKey }),
    ),

  syncCheckoutSession: billingManagerProcedure
    .input(
      z.object({
        sessionId: z
          .string()
          .regex(/^cs_[A-Za-z0-9_]+$/, { error: "Not a checkout session id" })
          .max(255),
      }),
    )
    .mutation(({ ctx, input }) =>
      syncCheckoutSession(ctx, { organizationId: ctx.organization.id, sessionId: input.sessionId }),
    ),

  /** What switching the organization's plan to `lookupKey` costs, as Stripe previews it. */
  previewPlanChange: billingManagerProcedure
    .input(planChangePreviewInput)
    .query(({ ctx, input }) =>
      previewPlanChange(ctx, { organizationId: ctx.organization.id, lookupKey: input.lookupKey }),
    ),

  /** Switches the plan, with the quantity the new plan is for, prorated as the preview showed. */
  changePlan: billingManagerProcedure
    .input(planChangeInput)
    .mutation(({ ctx, input }) => changePlan(ctx, { organizationId: ctx.organization.id, ...input })),

  createPortalSession: billingManagerProcedure
    .input(portalSessionInput)
    .mutation(({ ctx, input }) => createPortalSession(ctx, { organizationId: ctx.organization.id, flow: input?.flow })),
} satisfies TRPCRouterRecord;
