// An invitation's link: what it invites to (anyone holding the link may read that), and
// accepting it (only the invited address, signed in).
import { acceptInvitation, viewInvitation } from "@saas/auth";
import { admitMember } from "@saas/billing";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { protectedProcedure, publicProcedure } from "../trpc.ts";

export const invitationTokenInput = z.object({ token: z.string().min(1).max(200) });

export const invitationsRouter = {
  /** Null for a link no invitation has; `forYou` says whether the signed-in user may accept it. */
  view: publicProcedure.input(invitationTokenInput).query(async ({ ctx, input }) => {
    const invitation = await viewInvitation(ctx.db, input.token);
    if (!invitation) return null;
    const forYou = ctx.user ? ctx.user.email.toLowerCase() === invitation.email.toLowerCase() : null;
    return { ...invitation, signedInAs: ctx.user?.email ?? null, forYou };
  }),

  accept: protectedProcedure
    .input(invitationTokenInput)
    .mutation(({ ctx, input }) =>
      acceptInvitation(ctx.db, { token: input.token, userId: ctx.user.id }, { membersChanged: admitMember }),
    ),
} satisfies TRPCRouterRecord;
