// The browser's typed tRPC client, through React Query.
import type { AppRouter } from "@saas/api";
import { createTRPCContext } from "@trpc/tanstack-react-query";

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();
