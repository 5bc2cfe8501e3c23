// The seam for Stripe-hosted pages (Checkout, Customer Portal, hosted invoice). The real pages are
// a later task: pass `hostedPages` to startEmulator to replace these placeholders.
import type { ParsedQs } from "qs";
import type { App } from "../app.ts";

export interface HostedPageRequest {
  app: App;
  kind: "checkout" | "portal" | "invoice";
  id: string;
  method: string;
  /** Form fields when the page posts back to itself. */
  form: ParsedQs;
}

export interface HostedPageResponse {
  status: number;
  html: string;
  /** Set for redirects (e.g. to success_url once Checkout completes). */
  location?: string;
}

export type HostedPages = (request: HostedPageRequest) => HostedPageResponse;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
    `<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

export const placeholderPages: HostedPages = ({ app, kind, id }) => {
  if (kind === "checkout") {
    const session = app.store.checkoutSessions.get(id);
    if (session === undefined) return { status: 404, html: page("Checkout session not found", "") };
    return {
      status: 200,
      html: page("Stripe emulator Checkout", `<p>Session <code>${escapeHtml(id)}</code> is <b>${escapeHtml(session.status ?? "")}</b>.</p>` +
        `<p>Complete it with <code>POST /_emulator/checkout/sessions/${escapeHtml(id)}/complete</code>.</p>`),
    };
  }
  if (kind === "portal") {
    const session = app.store.portalSessions.get(id);
    if (session === undefined) return { status: 404, html: page("Portal session not found", "") };
    return {
      status: 200,
      html: page("Stripe emulator Customer Portal", `<p>Customer <code>${escapeHtml(session.customer)}</code>, flow ` +
        `<code>${escapeHtml(session.flow?.type ?? "none")}</code>.</p>`),
    };
  }
  const invoice = app.store.invoices.get(id);
  if (invoice === undefined) return { status: 404, html: page("Invoice not found", "") };
  return {
    status: 200,
    html: page(`Invoice ${invoice.number ?? invoice.id}`, `<p>Status <b>${escapeHtml(invoice.status ?? "")}</b>, ` +
      `amount due ${(invoice.amount_due / 100).toFixed(2)} ${escapeHtml(invoice.currency.toUpperCase())}.</p>`),
  };
};
