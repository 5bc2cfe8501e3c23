// tRPC set-up: error shape, the domain-error mapping, and the procedure kinds.
import { hasRole, type MembershipRole } from "@saas/auth";
import { initTRPC, TRPCError } from "@trpc/server";
import { z } from "zod";
import type { Context } from "./context.ts";
import { toTRPCError } from "./errors.ts";
import { STRIPE_CALL_LIMIT, takeRateLimit } from "./rate-limit.ts";

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    // Bad input: hand the client zod's per-field messages.
    const fieldErrors =
      error.code === "BAD_REQUEST" && error.cause instanceof z.ZodError
        ? z.flattenError(error.cause).fieldErrors
        : null;
    return { ...shape, data: { ...shape.data, fieldErrors } };
  },
});

const mapDomainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const mapped = toTRPCError(result.error.cause);
    if (mapped) throw mapped;
  }
  return result;
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/** No session needed: only for what a capability in the input opens (an invitation's token). */
export const publicProcedure = t.procedure.use(mapDomainErrors);

/** Requires a session; `ctx.user` is non-null inside. */
export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue" });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

/**
 * Acts on the caller's current organization and requires `role` or above in it (owner >
 * admin > member): `ctx.organization` and `ctx.membership` are non-null inside. Every id a
 * procedure acts on comes from ctx.organization, never from the input; a role below the
 * one required is FORBIDDEN.
 */
export function orgProcedure(role: MembershipRole) {
  return protectedProcedure.use(({ ctx, next }) => {
    const { organization } = ctx;
    if (!organization) throw new TRPCError({ code: "FORBIDDEN", message: "You are not a member of an organization" });
    if (!hasRole(organization.role, role))
      throw new TRPCError({ code: "FORBIDDEN", message: FORBIDDEN_MESSAGES[role] });
    return next({ ctx: { ...ctx, organization, membership: { role: organization.role } } });
  });
}

const FORBIDDEN_MESSAGES: Record<MembershipRole, string> = {
  owner: "Only the organization's owners can do that",
  admin: "Only the organization's owners and admins can do that",
  member: "You are not a member of this organization",
};

/**
 * For procedures that call Stripe for the organization: `role` or above, and at most
 * STRIPE_CALL_LIMIT calls per user per procedure; the one over it is refused before it
 * reaches Stripe (TOO_MANY_REQUESTS).
 */
export function stripeCallingProcedure(role: MembershipRole) {
  return orgProcedure(role).use(async ({ ctx, path, next }) => {
    await takeRateLimit(ctx.db, `${path}:${ctx.user.id}`, STRIPE_CALL_LIMIT);
    return next();
  });
}

/** Paying for and managing the organization's plan: owners and admins. */
export const billingManagerProcedure = stripeCallingProcedure("admin");
