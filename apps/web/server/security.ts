// Security headers for every response: a nonce-based Content-Security-Policy (no
// unsafe-eval, no unsafe-inline scripts), no framing, no MIME sniffing, a strict referrer.
import { randomBytes } from "node:crypto";
import type { RequestHandler, Response } from "express";
import helmet from "helmet";

/** Where our forms may lead: ourselves, and Stripe's hosted pages (a form post answered by a redirect to them). */
function formTargets(stripeApiBase: string | undefined): string[] {
  const targets = ["'self'", "https://checkout.stripe.com", "https://billing.stripe.com"];
  if (stripeApiBase) targets.push(new URL(stripeApiBase).origin);
  return targets;
}

export function securityHeaders(options: { production: boolean; stripeApiBase: string | undefined }): RequestHandler[] {
  const nonce: RequestHandler = (_req, res, next) => {
    res.locals.cspNonce = randomBytes(16).toString("base64");
    next();
  };
  const headers = helmet({
    // Vite's development server injects inline scripts for hot reloading; the policy is
    // enforced on the production build.
    contentSecurityPolicy: options.production
      ? {
          useDefaults: false,
          directives: {
            "default-src": ["'self'"],
            // helmet hands directive functions Node's response; Express's locals ride on it.
            "script-src": ["'self'", (_req, res) => `'nonce-${(res as unknown as Response).locals.cspNonce}'`],
            "style-src": ["'self'"],
            "img-src": ["'self'", "data:"],
            "font-src": ["'self'"],
            "connect-src": ["'self'"],
            "form-action": formTargets(options.stripeApiBase),
            "frame-ancestors": ["'none'"],
            "base-uri": ["'none'"],
            "object-src": ["'none'"],
          },
        }
      : false,
    frameguard: { action: "deny" },
    referrerPolicy: { policy: "strict-origin-when-cross-origin" },
    crossOriginEmbedderPolicy: false,
    // The site is served over plain http in development and tests; HSTS belongs to the TLS terminator.
    strictTransportSecurity: false,
  });
  return [nonce, headers];
}
