// What server/index.ts hands every loader and action besides the request.
declare module "@remix-run/node" {
  interface AppLoadContext {
    /** The client's address as Express sees it (see TRUST_PROXY). */
    clientIp: string;
    /** This response's Content-Security-Policy nonce. */
    cspNonce: string;
    /**
     * Work shared by the loaders of one request (a page runs root, layout and route loaders,
     * each with its own copy of the Request, so the Request cannot be the key). New per request.
     */
    memo: Map<string, Promise<unknown>>;
  }
}

export {};
