// Settings -> Members: the current organization's members. Every user id a client sends is
// looked up among the members of the caller's organization only (another organization's
// member is "not found"); the organization itself comes from the session.
import {
  changeMemberRole,
  emailSchema,
  hasRole,
  inviteMember,
  listInvitations,
  listMembers,
  removeMember,
  resendInvitation,
  revokeInvitation,
  ROLES,
} from "@saas/auth";
import { ensureRoomToInvite, queueSeatSync, seatUsage } from "@saas/billing";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { takeRateLimit } from "../rate-limit.ts";
import { orgProcedure } from "../trpc.ts";

const userId = z.string().min(1).max(64);
export const changeRoleInput = z.object({ userId, role: z.enum(ROLES) });
export const removeMemberInput = z.object({ userId });
export const inviteInput = z.object({ email: emailSchema, role: z.enum(ROLES) });
export const invitationInput = z.object({ invitationId: z.string().min(1).max(64) });

/** Invitation emails (new and resent) a user may send in any sliding hour: plenty for a team, too few to spam with. */
const INVITE_LIMIT = { max: 50, windowMs: 60 * 60_000 };

const actorOf = (ctx: { user: { id: string }; organization: { id: string; role: (typeof ROLES)[number] } }) => ({
  userId: ctx.user.id,
  organizationId: ctx.organization.id,
  role: ctx.organization.role,
});

export const membersRouter = {
  /** Members, and for owners and admins the open invitations. */
  list: orgProcedure("member").query(async ({ ctx }) => ({
    members: await listMembers(ctx.db, ctx.organization.id),
    invitations: hasRole(ctx.membership.role, "admin") ? await listInvitations(ctx.db, ctx.organization.id) : [],
    you: { userId: ctx.user.id, role: ctx.membership.role },
    seats: await seatUsage(ctx.db, ctx.organization.id),
  })),

  invite: orgProcedure("admin")
    .input(inviteInput)
    .mutation(async ({ ctx, input }) => {
      await takeRateLimit(ctx.db, `members.invite:${ctx.user.id}`, INVITE_LIMIT);
      return inviteMember(ctx.db, actorOf(ctx), input, { ensureRoom: ensureRoomToInvite });
    }),

  resendInvitation: orgProcedure("admin")
    .input(invitationInput)
    .mutation(async ({ ctx, input }) => {
      await takeRateLimit(ctx.db, `members.invite:${ctx.user.id}`, INVITE_LIMIT);
      await resendInvitation(ctx.db, actorOf(ctx), input, { ensureRoom: ensureRoomToInvite });
      return { ok: true as const };
    }),

  revokeInvitation: orgProcedure("admin")
    .input(invitationInput)
    .mutation(async ({ ctx, input }) => {
      await revokeInvitation(ctx.db, actorOf(ctx), input);
      return { ok: true as const };
    }),

  changeRole: orgProcedure("admin")
    .input(changeRoleInput)
    .mutation(async ({ ctx, input }) => {
      await changeMemberRole(ctx.db, actorOf(ctx), input);
      return { ok: true as const };
    }),

  remove: orgProcedure("admin")
    .input(removeMemberInput)
    .mutation(async ({ ctx, input }) => {
      await removeMember(ctx.db, actorOf(ctx), input, queueSeatSync);
      return { ok: true as const };
    }),

  /** Any member may leave, except the last owner. */
  leave: orgProcedure("member").mutation(async ({ ctx }) => {
    await removeMember(ctx.db, actorOf(ctx), { userId: ctx.user.id }, queueSeatSync);
    return { ok: true as const };
  }),
} satisfies TRPCRouterRecord;
