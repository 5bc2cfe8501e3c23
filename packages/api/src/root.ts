import { billingRouter } from "./routers/billing.ts";
import { invitationsRouter } from "./routers/invitations.ts";
import { membersRouter } from "./routers/members.ts";
import { notificationsRouter } from "./routers/notifications.ts";
import { organizationsRouter } from "./routers/organizations.ts";
import { createTRPCRouter } from "./trpc.ts";

export const appRouter = createTRPCRouter({
  billing: billingRouter,
  invitations: invitationsRouter,
  members: membersRouter,
  notifications: notificationsRouter,
  organizations: organizationsRouter,
});

export type AppRouter = typeof appRouter;
