// /api/trpc/<procedure>: the billing router over HTTP. Express serves it ahead of the Remix
// handler (server/index.ts finds it on the server build's entry module, so it shares this
// bundle's database pool and clients): a tRPC call needs no route matching, no loaders and
// no conversion of the request into Remix's, which was a third of its cost
// (docs/decisions/009-trpc-ahead-of-remix.md).
import { toTRPCError } from "@saas/api";
import { createExpressMiddleware } from "@trpc/server/adapters/express";
import { signedInFromCookie } from "./auth.server";
import { appRouter, trpcContext } from "./billing.server";

export const trpcMiddleware = createExpressMiddleware({
  router: appRouter,
  // A batch is one request: uncapped, 400 calls in it were 400 Stripe calls. The app's pages batch a few.
  maxBatchSize: 10,
  createContext: async ({ req }) => {
    // The session is read from the database: one that does not answer is a 503 here too, not a 500.
    const signedIn = await signedInFromCookie(req.headers.cookie).catch((error: unknown) => {
      throw toTRPCError(error) ?? error;
    });
    return trpcContext(signedIn);
  },
  // Every answer is about the caller: no cache keeps it.
  responseMeta: () => ({ headers: { "Cache-Control": "no-store" } }),
  onError({ error, path }) {
    if (error.code === "INTERNAL_SERVER_ERROR") console.error(`tRPC ${path ?? "?"} failed`, error.cause ?? error);
  },
});
