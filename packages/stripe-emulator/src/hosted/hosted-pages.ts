// The Stripe-hosted pages: Checkout (/c/pay/:id), the Customer Portal (/p/session/:id) and hosted
// invoices (/i/:id). Pass `hostedPages` to startEmulator to replace them.
import type { ParsedQs } from "qs";
import type { App } from "../app.ts";
import { checkoutPages } from "./checkout-pages.ts";
import { HostedState } from "./hosted-state.ts";
import { invoicePage } from "./invoice-page.ts";
import { portalPages } from "./portal-pages.ts";

export interface HostedPageRequest {
  app: App;
  kind: "checkout" | "portal" | "invoice";
  id: string;
  /** The path after the id: "" for the page itself, e.g. "/authenticate" for a step. */
  path: string;
  query: URLSearchParams;
  method: string;
  /** Form fields when the page posts back to itself. */
  form: ParsedQs;
}

export interface HostedPageResponse {
  status: number;
  html: string;
  /** Set for redirects (e.g. to success_url once Checkout completes); answered with 303. */
  location?: string;
}

export type HostedPages = (request: HostedPageRequest) => HostedPageResponse;

export function createHostedPages(state = new HostedState()): HostedPages {
  return (request) => {
    if (request.kind === "checkout") return checkoutPages(request, state);
    if (request.kind === "portal") return portalPages(request, state);
    return invoicePage(request);
  };
}
