import { dismissNotification, listNotifications } from "@saas/billing";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { protectedProcedure } from "../trpc.ts";

export const notificationsRouter = {
  list: protectedProcedure.query(({ ctx }) => listNotifications(ctx.db, ctx.user.id)),

  dismiss: protectedProcedure.input(z.object({ id: z.string().min(1).max(64) })).mutation(async ({ ctx, input }) => {
    await dismissNotification(ctx.db, ctx.user.id, input.id);
    return { ok: true as const };
  }),
} satisfies TRPCRouterRecord;
