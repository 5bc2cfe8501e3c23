// "Cancel plan" per `subscription_cancel.mode`, with the cancellation-reason step when the
// configuration asks for one, and "Renew plan" to undo a pending cancellation.
import type Stripe from "stripe";
import { periodEnd } from "../billing/subscription-items.ts";
import { formValue } from "./card-form.ts";
import { longDate, priceLabel, productName } from "./format.ts";
import type { HostedPageResponse } from "./hosted-pages.ts";
import { html } from "./html.ts";
import { redirect } from "./layout.ts";
import { cancelPlan, renewPlan } from "./portal-actions.ts";
import type { PortalContext } from "./portal-context.ts";
import { finish } from "./portal-flow.ts";
import { backHref, portalPage } from "./portal-view.ts";

type Feedback = Stripe.Subscription.CancellationDetails.Feedback;

const REASONS: Record<string, string> = {
  too_expensive: "It's too expensive",
  missing_features: "Some features are missing",
  switched_service: "I'm switching to a different service",
  unused: "I don't use the service enough",
  customer_service: "Customer service was less than expected",
  too_complex: "Ease of use was less than expected",
  low_quality: "Quality was less than expected",
  other: "Other reason",
};

/** The reasons on offer: the configuration's list, or all of Stripe's when it names none. */
function reasonOptions(ctx: PortalContext): Feedback[] {
  const options = ctx.config.features.subscription_cancel.cancellation_reason.options;
  return options.length > 0 ? options : Object.keys(REASONS);
}

/** A reason only counts when it is one on offer; anything else posted is ignored. */
function readReason(ctx: PortalContext, value: string | null): Feedback | null {
  if (value === null || !ctx.config.features.subscription_cancel.cancellation_reason.enabled) return null;
  return reasonOptions(ctx).find((option) => option === value) ?? null;
}

function reasonPage(ctx: PortalContext, sub: Stripe.Subscription): HostedPageResponse {
  const options = reasonOptions(ctx).map(
    (option) => html`<label class="option">
    <input type="radio" name="reason" value="${option}"> ${REASONS[option] ?? option}
  </label>`,
  );
  return portalPage(
    ctx,
    "Why are you canceling?",
    html`<h1>Why are you canceling?</h1>
  <p class="muted">Your answer helps us improve. It's optional.</p>
  <form method="get" action="${ctx.base}/subscriptions/${sub.id}/cancel/confirm">
    <fieldset><legend class="sr-only">Cancellation reason</legend>${options}</fieldset>
    <div class="actions">
      <button class="btn" type="submit">Continue</button>
      <a class="btn btn-secondary" href="${ctx.base}/subscriptions/${sub.id}/cancel/confirm">Skip</a>
      <a class="btn btn-secondary" href="${backHref(ctx)}">Go back</a>
    </div>
  </form>`,
  );
}

function confirmCancelPage(ctx: PortalContext, sub: Stripe.Subscription): HostedPageResponse {
  const reason = readReason(ctx, ctx.request.query.get("reason"));
  const item = sub.items.data[0];
  const immediately = ctx.config.features.subscription_cancel.mode === "immediately";
  const consequence = immediately
    ? "Your plan will be canceled immediately and you will lose access right away."
    : "Your plan will be canceled, but is still available until the end of your billing period " +
      `on ${longDate(periodEnd(sub))}.`;
  const planCard =
    item === undefined
      ? ""
      : html`<div class="card"><h3>${productName(ctx.app, item.price)}</h3>
    <p style="margin:0">${priceLabel(item.price)}</p></div>`;
  return portalPage(
    ctx,
    "Cancel your plan",
    html`<h1>Cancel your plan</h1>
  ${planCard}
  <p>${consequence}</p>
  ${reason === null ? "" : html`<p class="muted small">Reason: ${REASONS[reason] ?? reason}</p>`}
  <form method="post" action="${ctx.base}/subscriptions/${sub.id}/cancel">
    <input type="hidden" name="reason" value="${reason ?? ""}">
    <div class="actions">
      <button class="btn btn-danger" type="submit">Cancel plan</button>
      <a class="btn btn-secondary" href="${backHref(ctx)}">Go back</a>
    </div>
  </form>`,
  );
}

/** GET /subscriptions/:id/cancel[/confirm]. */
export function cancelPages(ctx: PortalContext, sub: Stripe.Subscription, step: "" | "/confirm"): HostedPageResponse {
  if (sub.cancel_at !== null) return redirect(ctx.base);
  const askReason = ctx.config.features.subscription_cancel.cancellation_reason.enabled;
  return step === "" && askReason ? reasonPage(ctx, sub) : confirmCancelPage(ctx, sub);
}

/** POST /subscriptions/:id/cancel. */
export function confirmCancel(ctx: PortalContext, sub: Stripe.Subscription): HostedPageResponse {
  if (sub.cancel_at !== null) return redirect(ctx.base);
  const canceled = cancelPlan(ctx, sub, readReason(ctx, formValue(ctx.request.form, "reason") || null));
  return finish(
    ctx,
    { type: "subscription_cancel", subscription: sub.id },
    canceled.status === "canceled" ? "plan_canceled" : "cancel_scheduled",
  );
}

/** POST /subscriptions/:id/renew: undoes cancel_at_period_end (and any cancel_at). */
export function renew(ctx: PortalContext, sub: Stripe.Subscription): HostedPageResponse {
  if (sub.cancel_at === null) return redirect(ctx.base);
  renewPlan(ctx, sub);
  return redirect(`${ctx.base}?notice=plan_renewed`);
}
