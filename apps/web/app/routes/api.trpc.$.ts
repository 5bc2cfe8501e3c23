// The tRPC HTTP endpoint: /api/trpc/<procedure>.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { getSignedIn } from "~/lib/auth.server";
import { appRouter, trpcContext } from "~/lib/billing.server";

function handle({ request }: LoaderFunctionArgs | ActionFunctionArgs) {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: appRouter,
    createContext: async () => {
      const signedIn = await getSignedIn(request);
      return trpcContext(signedIn ? { id: signedIn.user.id, email: signedIn.user.email } : null);
    },
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") console.error(`tRPC ${path ?? "?"} failed`, error.cause ?? error);
    },
  });
}

export const loader = handle;
export const action = handle;
