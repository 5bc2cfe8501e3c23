// The Customer Portal's routes under /p/session/:id. Every id in a path is checked to belong to the
// session's customer before anything is shown or done; disabled features answer 404.
import { StripeHttpError } from "../http/errors.ts";
import type { HostedPageRequest, HostedPageResponse } from "./hosted-pages.ts";
import type { HostedState } from "./hosted-state.ts";
import { html } from "./html.ts";
import { notFoundPage } from "./layout.ts";
import { cancelPages, confirmCancel, renew } from "./portal-cancel-pages.ts";
import { addCardPage, pay, portalChallenge, remove, setDefault, submitCard } from "./portal-card-pages.ts";
import {
  loadPortal,
  ownedInvoice,
  ownedPaymentMethod,
  ownedSubscription,
  PortalNotFound,
  type PortalContext,
} from "./portal-context.ts";
import { customerPage, saveCustomer } from "./portal-customer-page.ts";
import { confirmationPage, gateFlow } from "./portal-flow.ts";
import { homePage } from "./portal-home.ts";
import { confirmPage, confirmUpdate, updatePage } from "./portal-plan-pages.ts";
import { portalPage } from "./portal-view.ts";

function requireFeature(enabled: boolean): void {
  if (!enabled) throw new PortalNotFound("feature");
}

function subscriptionRoute(
  ctx: PortalContext,
  subId: string,
  action: string,
  method: string,
): HostedPageResponse | undefined {
  const features = ctx.config.features;
  const sub = ownedSubscription(ctx, subId);
  if (action === "/renew" && method === "POST") return renew(ctx, sub);
  if (action.startsWith("/update")) {
    requireFeature(features.subscription_update.enabled);
    if (action === "/update" && method === "GET") return updatePage(ctx, sub);
    if (action === "/update/confirm" && method === "GET") return confirmPage(ctx, sub);
    if (action === "/update/confirm" && method === "POST") return confirmUpdate(ctx, sub);
  }
  if (action.startsWith("/cancel")) {
    requireFeature(features.subscription_cancel.enabled);
    if (action === "/cancel" && method === "GET") return cancelPages(ctx, sub, "");
    if (action === "/cancel/confirm" && method === "GET") return cancelPages(ctx, sub, "/confirm");
    if (action === "/cancel" && method === "POST") return confirmCancel(ctx, sub);
  }
  return undefined;
}

function route(ctx: PortalContext): HostedPageResponse | undefined {
  const { path, method } = ctx.request;
  if (path === "" && method === "GET") return homePage(ctx);
  if (path === "/done" && method === "GET") return confirmationPage(ctx);
  if (path === "/authenticate" && (method === "GET" || method === "POST")) return portalChallenge(ctx);
  if (path === "/customer") return method === "POST" ? saveCustomer(ctx) : customerPage(ctx);
  const cardsEnabled = ctx.config.features.payment_method_update.enabled;
  if (path === "/payment-methods/new") {
    requireFeature(cardsEnabled);
    return method === "POST" ? submitCard(ctx) : addCardPage(ctx);
  }
  const card = /^\/payment-methods\/([^/]+)\/(default|remove)$/.exec(path);
  if (card !== null && method === "POST") {
    requireFeature(cardsEnabled);
    const pm = ownedPaymentMethod(ctx, card[1] ?? "");
    return card[2] === "default" ? setDefault(ctx, pm) : remove(ctx, pm);
  }
  const invoice = /^\/invoices\/([^/]+)\/pay$/.exec(path);
  if (invoice !== null && method === "POST") return pay(ctx, ownedInvoice(ctx, invoice[1] ?? ""));
  const subscription = /^\/subscriptions\/([^/]+)(\/.*)$/.exec(path);
  if (subscription !== null) return subscriptionRoute(ctx, subscription[1] ?? "", subscription[2] ?? "", method);
  return undefined;
}

export function portalPages(request: HostedPageRequest, state: HostedState): HostedPageResponse {
  const loaded = loadPortal(request, state);
  if (!("session" in loaded)) return loaded;
  const ctx = loaded;
  try {
    return gateFlow(ctx) ?? route(ctx) ?? notFoundPage("Page");
  } catch (error) {
    if (error instanceof PortalNotFound) return notFoundPage("Page");
    if (!(error instanceof StripeHttpError)) throw error;
    return portalPage(
      ctx,
      "Something went wrong",
      html`<h1>That didn't work</h1>
      <p>${error.body.message}</p>
      <p><a class="btn btn-secondary" href="${ctx.base}">Back to billing</a></p>`,
      { status: error.status },
    );
  }
}
