// The caller's organizations: the list for the switcher, creating one (they own it), and
// the current one's billing email. Switching is a change to the session itself, so the web
// app does it with packages/auth.
import { createOrganization, createOrganizationSchema, emailSchema, listOrganizations } from "@saas/auth";
import { billingContact, updateBillingEmail } from "@saas/billing";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { takeRateLimit } from "../rate-limit.ts";
import { orgProcedure, protectedProcedure, stripeCallingProcedure } from "../trpc.ts";

/** The input of create, also for the form that posts it. */
export const createOrganizationInput = createOrganizationSchema;

/** The input of updateBillingEmail: an address, or null to bill the first owner's email again. */
export const billingEmailInput = z.object({ billingEmail: emailSchema.nullable() });

/** Organizations a user may create in any sliding hour: enough for anyone, too few to flood the table. */
const CREATE_LIMIT = { max: 20, windowMs: 60 * 60_000 };

export const organizationsRouter = {
  /** Every organization the caller belongs to, with their role; `current` marks the session's. */
  list: protectedProcedure.query(async ({ ctx }) => {
    const organizations = await listOrganizations(ctx.db, ctx.user.id);
    return organizations.map((o) => ({ ...o, current: o.id === ctx.organization?.id }));
  }),

  create: protectedProcedure.input(createOrganizationInput).mutation(async ({ ctx, input, path }) => {
    await takeRateLimit(ctx.db, `${path}:${ctx.user.id}`, CREATE_LIMIT);
    const organization = await createOrganization(ctx.db, { userId: ctx.user.id, name: input.name });
    return { id: organization.id, name: organization.name, slug: organization.slug };
  }),

  /**
   * Where Stripe sends the current organization's invoices and receipts: `email`, and whether
   * it is the organization's own billing email (`custom`) or its first owner's.
   */
  billingEmail: orgProcedure("admin").query(async ({ ctx }) => {
    const contact = await billingContact(ctx.db, ctx.organization.id);
    return { email: contact.email, custom: contact.own };
  }),

  /** Owners only: sets the billing email (Stripe's copy follows, or nothing changes). */
  updateBillingEmail: stripeCallingProcedure("owner")
    .input(billingEmailInput)
    .mutation(async ({ ctx, input }) => {
      const contact = await updateBillingEmail(ctx, ctx.organization.id, input.billingEmail);
      return { email: contact.email, custom: contact.own };
    }),
} satisfies TRPCRouterRecord;
