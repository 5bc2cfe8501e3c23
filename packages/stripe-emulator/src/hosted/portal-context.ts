// Everything a portal request acts on, loaded once: the session (404 / 410 when expired), its
// configuration and customer, and ownership-checked lookups for every id a page posts.
import type Stripe from "stripe";
import type { App } from "../app.ts";
import { idOf } from "../resources/lookup.ts";
import { nowFor, realNow } from "../time.ts";
import type { HostedPageRequest, HostedPageResponse } from "./hosted-pages.ts";
import type { HostedState } from "./hosted-state.ts";
import { safeUrl } from "./html.ts";
import { messagePage, notFoundPage } from "./layout.ts";

/** Once opened, a portal session stays usable this long (Stripe keeps the customer signed in). */
const OPENED_SESSION_SECONDS = 60 * 60;

export interface PortalContext {
  app: App;
  state: HostedState;
  request: HostedPageRequest;
  session: Stripe.BillingPortal.Session;
  config: Stripe.BillingPortal.Configuration;
  customer: Stripe.Customer;
  /** "/p/session/bps_…", the prefix of every portal link. */
  base: string;
  /** The customer's "now": their test clock's frozen time, else the wall clock. */
  now: number;
}

/** An id that does not exist or belongs to another customer: both answer 404, revealing nothing. */
export class PortalNotFound extends Error {}

function isExpired(app: App, state: HostedState, session: Stripe.BillingPortal.Session): boolean {
  const now = realNow();
  const opened = state.portalOpenedAt.get(session.id);
  if (opened !== undefined) return now >= opened + OPENED_SESSION_SECONDS;
  // Like Stripe's, a session link expires when it is not visited within its short lifetime.
  if (now >= session.created + app.settings.portalSessionLifetimeSeconds) return true;
  state.portalOpenedAt.set(session.id, now);
  return false;
}

export function loadPortal(request: HostedPageRequest, state: HostedState): PortalContext | HostedPageResponse {
  const { app } = request;
  const session = app.store.portalSessions.get(request.id);
  if (session === undefined) return notFoundPage("Portal session");
  if (isExpired(app, state, session)) {
    const back = safeUrl(session.return_url);
    return messagePage(
      410,
      "This portal session has expired",
      "Portal links are short-lived. Go back to the site and open the billing portal again.",
      back === null ? undefined : { href: back, label: "Return" },
    );
  }
  const config = app.store.portalConfigurations.get(idOf(session.configuration) ?? "");
  const customer = app.store.customers.get(session.customer);
  if (config === undefined || customer === undefined) return notFoundPage("Customer");
  return {
    app,
    state,
    request,
    session,
    config,
    customer,
    base: `/p/session/${session.id}`,
    now: nowFor(app.store, customer.id),
  };
}

const ENDED = new Set<string>(["canceled", "incomplete_expired"]);

/** Subscriptions the portal shows: everything not ended, newest first. */
export function liveSubscriptions(ctx: PortalContext): Stripe.Subscription[] {
  return Array.from(ctx.app.store.subscriptions.values())
    .filter((sub) => idOf(sub.customer) === ctx.customer.id && !ENDED.has(sub.status))
    .reverse();
}

export function ownedSubscription(ctx: PortalContext, id: string): Stripe.Subscription {
  const sub = ctx.app.store.subscriptions.get(id);
  if (sub === undefined || idOf(sub.customer) !== ctx.customer.id || ENDED.has(sub.status))
    throw new PortalNotFound(id);
  return sub;
}

export function customerCards(ctx: PortalContext): Stripe.PaymentMethod[] {
  return Array.from(ctx.app.store.paymentMethods.values())
    .filter((pm) => idOf(pm.customer) === ctx.customer.id)
    .reverse();
}

export function ownedPaymentMethod(ctx: PortalContext, id: string): Stripe.PaymentMethod {
  const pm = ctx.app.store.paymentMethods.get(id);
  if (pm === undefined || idOf(pm.customer) !== ctx.customer.id) throw new PortalNotFound(id);
  return pm;
}

export function ownedInvoice(ctx: PortalContext, id: string): Stripe.Invoice {
  const invoice = ctx.app.store.invoices.get(id);
  if (invoice === undefined || idOf(invoice.customer) !== ctx.customer.id) throw new PortalNotFound(id);
  return invoice;
}

/** The card the portal calls "Default": the customer's, else the one their subscriptions charge. */
export function defaultCardId(ctx: PortalContext): string | null {
  const customer = ctx.app.store.customers.get(ctx.customer.id) ?? ctx.customer;
  const own = idOf(customer.invoice_settings.default_payment_method);
  if (own !== null) return own;
  for (const sub of liveSubscriptions(ctx)) {
    const fromSub = idOf(sub.default_payment_method);
    if (fromSub !== null) return fromSub;
  }
  return null;
}

/** Invoices the customer still owes: what "Pay now" is offered for. */
export function unpaidInvoices(ctx: PortalContext): Stripe.Invoice[] {
  return Array.from(ctx.app.store.invoices.values())
    .filter(
      (invoice) =>
        idOf(invoice.customer) === ctx.customer.id && invoice.status === "open" && invoice.amount_remaining > 0,
    )
    .reverse();
}
