import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { appRouter, type AppRouter } from "./root.ts";
import { createCallerFactory } from "./trpc.ts";

export { appRouter, type AppRouter };
export {
  checkoutSessionInput,
  planChangeInput,
  planChangePreviewInput,
  portalSessionInput,
} from "./routers/billing.ts";
export { changeRoleInput, invitationInput, inviteInput, removeMemberInput } from "./routers/members.ts";
export { invitationTokenInput } from "./routers/invitations.ts";
export { billingEmailInput, createOrganizationInput } from "./routers/organizations.ts";
export { createContext, type Context, type SessionUser } from "./context.ts";
export { toTRPCError } from "./errors.ts";
export { STRIPE_CALL_LIMIT } from "./rate-limit.ts";

/** Calls procedures in-process, e.g. from a Remix loader. */
export const createCaller = createCallerFactory(appRouter);

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
