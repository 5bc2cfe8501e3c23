// "Update plan": the prices the configuration offers, then a confirmation step with the new price
// and what the change costs, applied with the configured proration behaviour.
import type Stripe from "stripe";
import { formValue } from "./card-form.ts";
import { money, priceLabel, productName } from "./format.ts";
import type { HostedPageResponse } from "./hosted-pages.ts";
import { html } from "./html.ts";
import { changePlan, previewPlanChange } from "./portal-actions.ts";
import { PortalNotFound, type PortalContext } from "./portal-context.ts";
import { finish } from "./portal-flow.ts";
import { backHref, portalPage } from "./portal-view.ts";

/** Active recurring prices listed in `features.subscription_update.products`, in that order. */
export function allowedPrices(ctx: PortalContext): Stripe.Price[] {
  return (ctx.config.features.subscription_update.products ?? []).flatMap((entry) =>
    entry.prices.flatMap((id) => {
      const price = ctx.app.store.prices.get(id);
      return price === undefined || !price.active || price.recurring === null ? [] : [price];
    }),
  );
}

interface Target {
  price: Stripe.Price;
  quantity: number | null;
}

/** The price a confirm step may apply: one the configuration allows, or the one a deep link names. */
function targetFor(ctx: PortalContext, sub: Stripe.Subscription, priceId: string | null): Target {
  const confirm = ctx.session.flow?.subscription_update_confirm;
  const flowItem = confirm?.subscription === sub.id ? confirm.items[0] : undefined;
  // A deep link may change only the quantity: its item then keeps the current price.
  const flowPrice = flowItem === undefined ? undefined : (flowItem.price ?? currentPrice(sub)?.id);
  const id = priceId ?? flowPrice ?? null;
  const fromFlow = flowItem !== undefined && flowPrice === id;
  const price =
    id === null
      ? undefined
      : fromFlow
        ? ctx.app.store.prices.get(id)
        : allowedPrices(ctx).find((candidate) => candidate.id === id);
  if (price === undefined || price.recurring === null) throw new PortalNotFound(id ?? "price");
  return { price, quantity: fromFlow ? (flowItem.quantity ?? null) : null };
}

function currentPrice(sub: Stripe.Subscription): Stripe.Price | undefined {
  return sub.items.data[0]?.price;
}

export function updatePage(ctx: PortalContext, sub: Stripe.Subscription): HostedPageResponse {
  const current = currentPrice(sub);
  const options = allowedPrices(ctx).map((price) => {
    const isCurrent = price.id === current?.id;
    const plan = `${productName(ctx.app, price)} ${priceLabel(price)}`;
    const confirmHref = `${ctx.base}/subscriptions/${sub.id}/update/confirm?price=${price.id}`;
    return html`<li class="card" aria-label="${plan}">
      <div class="card-head">
        <div><h3>${productName(ctx.app, price)}</h3><span class="muted">${priceLabel(price)}</span></div>
        ${
          isCurrent
            ? html`<span class="badge badge-neutral">Current plan</span>`
            : html`<a class="btn btn-small" href="${confirmHref}">Select<span class="sr-only"> ${plan}</span></a>`
        }
      </div>
    </li>`;
  });
  return portalPage(
    ctx,
    "Update plan",
    html`<h1>Update plan</h1>
  <p class="muted">Choose the plan you want to switch to.</p>
  <ul class="plain">${options}</ul>
  <p><a href="${backHref(ctx)}">Go back</a></p>`,
  );
}

function costLine(ctx: PortalContext, sub: Stripe.Subscription, target: Target): string {
  const behavior = ctx.config.features.subscription_update.proration_behavior;
  const preview = previewPlanChange(ctx, sub, target.price, target.quantity);
  const amount = money(Math.abs(preview.amount), target.price.currency);
  if (preview.immediate && preview.amount > 0) return `You'll be charged ${amount} today.`;
  if (behavior === "none" || preview.amount === 0)
    return "No prorated charge: the new price applies from your next invoice.";
  return preview.amount > 0
    ? `A prorated charge of ${amount} will be added to your next invoice.`
    : `A prorated credit of ${amount} will be applied to your next invoice.`;
}

export function confirmPage(ctx: PortalContext, sub: Stripe.Subscription): HostedPageResponse {
  const target = targetFor(ctx, sub, ctx.request.query.get("price"));
  const current = currentPrice(sub);
  const quantity = target.quantity === null ? "" : String(target.quantity);
  const times = target.quantity !== null && target.quantity > 1 ? ` × ${target.quantity}` : "";
  return portalPage(
    ctx,
    "Confirm your updated plan",
    html`<h1>Confirm your updated plan</h1>
  ${
    current === undefined
      ? ""
      : html`<div class="card"><p class="muted small" style="margin:0">Current plan</p>
    <h3>${productName(ctx.app, current)}</h3><p style="margin:0">${priceLabel(current)}</p></div>`
  }
  <div class="card" style="border-color:#635bff"><p class="muted small" style="margin:0">New plan</p>
    <h3>${productName(ctx.app, target.price)}</h3><p style="margin:0">${priceLabel(target.price)}${times}</p></div>
  <p>${costLine(ctx, sub, target)}</p>
  <form method="post" action="${ctx.base}/subscriptions/${sub.id}/update/confirm">
    <input type="hidden" name="price" value="${target.price.id}">
    <input type="hidden" name="quantity" value="${quantity}">
    <div class="actions">
      <button class="btn" type="submit">Confirm</button>
      <a class="btn btn-secondary" href="${backHref(ctx)}">Go back</a>
    </div>
  </form>`,
  );
}

export function confirmUpdate(ctx: PortalContext, sub: Stripe.Subscription): HostedPageResponse {
  const target = targetFor(ctx, sub, formValue(ctx.request.form, "price") || null);
  changePlan(ctx, sub, target.price, target.quantity);
  return finish(ctx, { type: "subscription_update", subscription: sub.id }, "plan_updated");
}
