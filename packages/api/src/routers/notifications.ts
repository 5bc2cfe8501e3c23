import { dismissNotification, listNotifications } from "@saas/billing";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { orgProcedure, protectedProcedure } from "../trpc.ts";

export const notificationsRouter = {
  /** The caller's own alerts about their current organization. */
  list: orgProcedure("member").query(({ ctx }) => listNotifications(ctx.db, ctx.user.id, ctx.organization.id)),

  dismiss: protectedProcedure.input(z.object({ id: z.string().min(1).max(64) })).mutation(async ({ ctx, input }) => {
    await dismissNotification(ctx.db, ctx.user.id, input.id);
    return { ok: true as const };
  }),
} satisfies TRPCRouterRecord;
