// What server/index.ts hands every loader and action besides the request.
declare module "@remix-run/node" {
  interface AppLoadContext {
    /** The client's address as Express sees it (see TRUST_PROXY). */
    clientIp: string;
    /** This response's Content-Security-Policy nonce. */
    cspNonce: string;
  }
}

export {};
