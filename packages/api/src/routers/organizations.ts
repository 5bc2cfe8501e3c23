// The caller's organizations: the list for the switcher, and creating one (they own it).
// Switching is a change to the session itself, so the web app does it with packages/auth.
import { createOrganization, createOrganizationSchema, listOrganizations } from "@saas/auth";
import type { TRPCRouterRecord } from "@trpc/server";
import { takeRateLimit } from "../rate-limit.ts";
import { protectedProcedure } from "../trpc.ts";

/** The input of create, also for the form that posts it. */
export const createOrganizationInput = createOrganizationSchema;

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
} satisfies TRPCRouterRecord;
