// Settings -> Members: the current organization's members. Every user id a client sends is
// looked up among the members of the caller's organization only (another organization's
// member is "not found"); the organization itself comes from the session.
import { changeMemberRole, listMembers, removeMember, ROLES } from "@saas/auth";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { orgProcedure } from "../trpc.ts";

const userId = z.string().min(1).max(64);
export const changeRoleInput = z.object({ userId, role: z.enum(ROLES) });
export const removeMemberInput = z.object({ userId });

const actorOf = (ctx: { user: { id: string }; organization: { id: string; role: (typeof ROLES)[number] } }) => ({
  userId: ctx.user.id,
  organizationId: ctx.organization.id,
  role: ctx.organization.role,
});

export const membersRouter = {
  list: orgProcedure("member").query(async ({ ctx }) => ({
    members: await listMembers(ctx.db, ctx.organization.id),
    you: { userId: ctx.user.id, role: ctx.membership.role },
  })),

  changeRole: orgProcedure("admin")
    .input(changeRoleInput)
    .mutation(async ({ ctx, input }) => {
      await changeMemberRole(ctx.db, actorOf(ctx), input);
      return { ok: true as const };
    }),

  remove: orgProcedure("admin")
    .input(removeMemberInput)
    .mutation(async ({ ctx, input }) => {
      await removeMember(ctx.db, actorOf(ctx), input);
      return { ok: true as const };
    }),

  /** Any member may leave, except the last owner. */
  leave: orgProcedure("member").mutation(async ({ ctx }) => {
    await removeMember(ctx.db, actorOf(ctx), { userId: ctx.user.id });
    return { ok: true as const };
  }),
} satisfies TRPCRouterRecord;
