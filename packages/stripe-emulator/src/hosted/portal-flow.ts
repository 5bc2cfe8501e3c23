// `flow_data` deep links: the session URL opens straight on its flow; `redirect` and
// `hosted_confirmation` flows keep the customer inside that one task; finishing the flow's action
// applies `after_completion` (303 to its return_url, the confirmation page, or the portal home).
import type Stripe from "stripe";
import type { HostedPageResponse } from "./hosted-pages.ts";
import { html, safeUrl } from "./html.ts";
import { redirect } from "./layout.ts";
import type { PortalContext } from "./portal-context.ts";
import { longDate } from "./format.ts";
import { portalPage, returnLink, type Notice } from "./portal-view.ts";

export type FlowAction =
  | { type: "payment_method_update" | "customer_update" }
  | { type: "subscription_cancel" | "subscription_update"; subscription: string };

function flowSubscription(flow: Stripe.BillingPortal.Session.Flow): string {
  return (
    flow.subscription_cancel?.subscription ??
    flow.subscription_update?.subscription ??
    flow.subscription_update_confirm?.subscription ??
    ""
  );
}

/** The path (under the session) a flow starts on, and everything it may visit. */
function flowPath(flow: Stripe.BillingPortal.Session.Flow): string {
  if (flow.type === "payment_method_update") return "/payment-methods/new";
  if (flow.type === "customer_update") return "/customer";
  if (flow.type === "subscription_cancel") return `/subscriptions/${flowSubscription(flow)}/cancel`;
  if (flow.type === "subscription_update_confirm") return `/subscriptions/${flowSubscription(flow)}/update/confirm`;
  return `/subscriptions/${flowSubscription(flow)}/update`;
}

function confined(flow: Stripe.BillingPortal.Session.Flow): boolean {
  return flow.after_completion.type !== "portal_homepage";
}

function afterCompletion(
  ctx: PortalContext,
  flow: Stripe.BillingPortal.Session.Flow,
  notice: Notice,
): HostedPageResponse {
  if (flow.after_completion.type === "redirect")
    return redirect(safeUrl(flow.after_completion.redirect?.return_url) ?? ctx.base);
  if (flow.after_completion.type === "hosted_confirmation") return redirect(`${ctx.base}/done`);
  return redirect(`${ctx.base}?notice=${notice}`);
}

/** Run before every portal route: sends the customer where their flow says, or lets them through. */
export function gateFlow(ctx: PortalContext): HostedPageResponse | undefined {
  const flow = ctx.session.flow;
  // Pausing is not emulated: such a session simply opens the portal home.
  if (flow === null || flow.type === "subscription_pause") return undefined;
  const { path } = ctx.request;
  const id = ctx.session.id;
  const completed = ctx.state.flowCompleted.has(id);
  if (path === "") {
    if (completed) return confined(flow) ? afterCompletion(ctx, flow, "plan_updated") : undefined;
    if (!confined(flow) && ctx.state.flowEntered.has(id)) return undefined;
    ctx.state.flowEntered.add(id);
    return redirect(ctx.base + flowPath(flow));
  }
  if (!confined(flow) || path === "/done") return undefined;
  if (completed) return redirect(ctx.base);
  const own = flowPath(flow).replace(/\/confirm$/, "");
  if (path.startsWith(own) || path.startsWith("/authenticate")) return undefined;
  return redirect(ctx.base + flowPath(flow));
}

function matches(flow: Stripe.BillingPortal.Session.Flow, action: FlowAction): boolean {
  if (!("subscription" in action)) return flow.type === action.type;
  if (action.subscription !== flowSubscription(flow)) return false;
  if (action.type === "subscription_cancel") return flow.type === "subscription_cancel";
  return flow.type === "subscription_update" || flow.type === "subscription_update_confirm";
}

/** Where to go after an action: `after_completion` when it finished the session's flow, else home with a notice. */
export function finish(ctx: PortalContext, action: FlowAction, notice: Notice): HostedPageResponse {
  const flow = ctx.session.flow;
  if (flow === null || !matches(flow, action)) return redirect(`${ctx.base}?notice=${notice}`);
  ctx.state.flowCompleted.add(ctx.session.id);
  return afterCompletion(ctx, flow, notice);
}

/** Is this session's flow about adding a card (so the new card becomes the default)? */
export function isPaymentMethodFlow(ctx: PortalContext): boolean {
  return ctx.session.flow?.type === "payment_method_update";
}

function confirmationText(
  ctx: PortalContext,
  flow: Stripe.BillingPortal.Session.Flow,
): { title: string; detail: string } {
  if (flow.type === "payment_method_update")
    return { title: "Payment method updated", detail: "Your new card will be used for future payments." };
  if (flow.type === "customer_update")
    return { title: "Information updated", detail: "Your billing information has been saved." };
  const sub = ctx.app.store.subscriptions.get(flowSubscription(flow));
  if (flow.type === "subscription_cancel") {
    if (sub?.status === "canceled")
      return { title: "Subscription canceled", detail: "Your subscription has been canceled." };
    return {
      title: "Subscription canceled",
      detail:
        sub?.cancel_at == null
          ? "Your subscription will be canceled."
          : `Your subscription will end on ${longDate(sub.cancel_at)}.`,
    };
  }
  return { title: "Subscription updated", detail: "Your plan has been updated." };
}

/** GET /done: the hosted confirmation, with the session's custom message when there is one. */
export function confirmationPage(ctx: PortalContext): HostedPageResponse {
  const flow = ctx.session.flow;
  if (flow === null || !ctx.state.flowCompleted.has(ctx.session.id)) return redirect(ctx.base);
  const text = confirmationText(ctx, flow);
  const message = flow.after_completion.hosted_confirmation?.custom_message ?? null;
  return portalPage(
    ctx,
    text.title,
    html`<h1>${text.title}</h1>
  <p>${text.detail}</p>
  ${message === null ? "" : html`<p class="card">${message}</p>`}
  <div class="actions">${returnLink(ctx)}</div>`,
  );
}
