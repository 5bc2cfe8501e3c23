import { billingRouter } from "./routers/billing.ts";
import { notificationsRouter } from "./routers/notifications.ts";
import { createTRPCRouter } from "./trpc.ts";

export const appRouter = createTRPCRouter({
  billing: billingRouter,
  notifications: notificationsRouter,
});

export type AppRouter = typeof appRouter;
