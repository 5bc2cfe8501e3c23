// Refuses state-changing requests from other sites: every non-GET request must carry
// our Origin. Stripe's webhook is the one exception; its signature authenticates it.
import { isSameOrigin } from "@saas/auth";
import type { RequestHandler } from "express";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const EXEMPT_PATHS = new Set(["/api/webhooks/stripe"]);

export function requireSameOrigin(appBaseUrl: string): RequestHandler {
  return (req, res, next) => {
    if (SAFE_METHODS.has(req.method) || EXEMPT_PATHS.has(req.path)) return next();
    const headers = new Headers();
    for (const name of ["origin", "referer"]) {
      const value = req.get(name);
      if (value) headers.set(name, value);
    }
    if (isSameOrigin(new Request(appBaseUrl, { headers }), appBaseUrl)) return next();
    res.status(403).type("text/plain").send("Cross-site request refused: the Origin header does not match this site.");
  };
}
