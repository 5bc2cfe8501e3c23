// What server/index.ts hands every loader and action besides the request.
import type { SignedIn } from "./lib/auth.server";

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** The client's address as Express sees it (see TRUST_PROXY). */
    clientIp: string;
    /** This response's Content-Security-Policy nonce. */
    cspNonce: string;
    /**
     * The session lookup the loaders of one request share, by Cookie header (a page runs
     * root, layout and route loaders, each with its own copy of the Request, so the Request
     * cannot be the key). New per request; see getSignedIn in lib/auth.server.ts.
     */
    sessionLookups: Map<string, Promise<SignedIn | null>>;
  }
}
