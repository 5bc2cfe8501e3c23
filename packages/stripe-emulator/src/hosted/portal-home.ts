// The portal's main page: amounts due, current plans, payment methods, billing information and
// invoice history, each shown only when the session's configuration enables it.
import type Stripe from "stripe";
import { periodEnd } from "../billing/subscription-items.ts";
import { idOf } from "../resources/lookup.ts";
import { cardLabel, expiryLabel, longDate, money, priceLabel, productName, statusLabel, statusTone } from "./format.ts";
import type { HostedPageResponse } from "./hosted-pages.ts";
import { html, safeUrl, type Html } from "./html.ts";
import { cardInUse } from "./portal-actions.ts";
import {
  customerCards,
  defaultCardId,
  liveSubscriptions,
  unpaidInvoices,
  type PortalContext,
} from "./portal-context.ts";
import { editableFields } from "./portal-customer-page.ts";
import { allowedPrices } from "./portal-plan-pages.ts";
import { portalPage } from "./portal-view.ts";

function badge(status: string | null): Html {
  return html`<span class="badge badge-${statusTone(status)}">${statusLabel(status)}</span>`;
}

function cardName(ctx: PortalContext, pmId: string | null): string | null {
  const pm = pmId === null ? undefined : ctx.app.store.paymentMethods.get(pmId);
  return pm === undefined ? null : cardLabel(pm);
}

function amountsDue(ctx: PortalContext): Html[] {
  const card = cardName(ctx, defaultCardId(ctx));
  return unpaidInvoices(ctx).map((invoice) => {
    const subId = idOf(invoice.parent?.subscription_details?.subscription);
    const pastDue = subId !== null && ctx.app.store.subscriptions.get(subId)?.status === "past_due";
    const amount = money(invoice.amount_remaining, invoice.currency);
    const payAction = `${ctx.base}/invoices/${invoice.id}/pay`;
    return html`<section class="alert alert-warn" aria-label="Payment due">
      <p style="margin:0">Your invoice ${invoice.number ?? ""} for <b>${amount}</b> is ${pastDue ? "past due" : "due"}.
      ${card === null ? "Add a payment method to pay it." : `It will be paid with ${card}.`}</p>
      <form method="post" action="${payAction}"><button class="btn" type="submit">Pay now</button></form>
    </section>`;
  });
}

function renewalLine(sub: Stripe.Subscription): string {
  if (sub.cancel_at !== null) return `Cancels on ${longDate(sub.cancel_at)}`;
  if (sub.status === "trialing" && sub.trial_end !== null) return `Trial ends on ${longDate(sub.trial_end)}`;
  return `Renews on ${longDate(periodEnd(sub))}`;
}

function subscriptionCard(ctx: PortalContext, sub: Stripe.Subscription): Html {
  const features = ctx.config.features;
  const item = sub.items.data[0];
  const name = item === undefined ? sub.id : productName(ctx.app, item.price);
  const quantity = item?.quantity ?? 1;
  const card = cardName(ctx, idOf(sub.default_payment_method) ?? defaultCardId(ctx));
  const canUpdate =
    features.subscription_update.enabled &&
    sub.items.data.length === 1 &&
    ["active", "trialing"].includes(sub.status) &&
    allowedPrices(ctx).some((price) => price.id !== item?.price.id);
  const canCancel = features.subscription_cancel.enabled;
  const subPath = `${ctx.base}/subscriptions/${sub.id}`;
  const actions =
    sub.cancel_at !== null
      ? html`<form method="post" action="${subPath}/renew"><button class="btn" type="submit">Renew plan</button></form>`
      : html`${canUpdate ? html`<a class="btn btn-secondary" href="${subPath}/update">Update plan</a>` : ""}
      ${canCancel ? html`<a class="btn btn-secondary" href="${subPath}/cancel">Cancel plan</a>` : ""}`;
  const price = item === undefined ? "" : priceLabel(item.price);
  const times = quantity > 1 ? ` × ${quantity}` : "";
  return html`<article class="card" aria-label="${name} subscription">
    <div class="card-head"><h3>${name}</h3>${badge(sub.status)}</div>
    <p style="margin:4px 0 0">${price}${times}</p>
    <p class="muted" style="margin:0">${renewalLine(sub)}</p>
    ${card === null ? "" : html`<p class="muted small" style="margin:0">Billed to ${card}</p>`}
    <div class="actions">${actions}</div>
  </article>`;
}

/** A small button posting to `action` for one card, which screen readers hear named. */
function cardButton(action: string, text: string, label: string): Html {
  return html`<form class="inline" method="post" action="${action}"><button class="btn btn-secondary btn-small"
    type="submit">${text}<span class="sr-only"> (${label})</span></button></form>`;
}

function paymentMethods(ctx: PortalContext): Html {
  const defaultId = defaultCardId(ctx);
  const rows = customerCards(ctx).map((pm) => {
    const isDefault = pm.id === defaultId;
    const label = cardLabel(pm);
    const pmPath = `${ctx.base}/payment-methods/${pm.id}`;
    const defaultBadge = isDefault ? html`<span class="badge badge-neutral">Default</span>` : "";
    return html`<li>
      <span><b>${label}</b> <span class="muted small">${expiryLabel(pm)}</span> ${defaultBadge}</span>
      <span class="actions" style="margin:0">
        ${isDefault ? "" : cardButton(`${pmPath}/default`, "Make default", label)}
        ${cardInUse(ctx, pm.id) ? "" : cardButton(`${pmPath}/remove`, "Remove", label)}
      </span>
    </li>`;
  });
  const list =
    rows.length === 0
      ? html`<p class="muted">No payment method on file.</p>`
      : html`<ul class="list" aria-labelledby="payment-methods">${rows}</ul>`;
  const addHref = `${ctx.base}/payment-methods/new`;
  return html`<h2 id="payment-methods">Payment methods</h2>
  ${list}
  <p style="margin-top:12px"><a class="btn btn-secondary" href="${addHref}">+ Add payment method</a></p>`;
}

function billingInformation(ctx: PortalContext): Html {
  const fields = editableFields(ctx);
  const editable = fields.name || fields.email || fields.address || fields.taxId;
  const taxIds = [...ctx.app.store.taxIds.values()]
    .filter((taxId) => taxId.customer === ctx.customer.id)
    .map((taxId) => taxId.value);
  const address = ctx.customer.address;
  const addressText = address
    ? [address.line1, address.line2, address.city, address.state, address.postal_code, address.country]
        .filter(Boolean)
        .join(", ")
    : "—";
  const updateLink = html`<a class="btn btn-secondary" href="${ctx.base}/customer">Update information</a>`;
  return html`<h2>Billing information</h2>
  <table class="kv" aria-label="Billing information"><tbody>
    <tr><th scope="row">Name</th><td>${ctx.customer.name ?? "—"}</td></tr>
    <tr><th scope="row">Email</th><td>${ctx.customer.email ?? "—"}</td></tr>
    <tr><th scope="row">Address</th><td>${addressText}</td></tr>
    ${taxIds.length === 0 ? "" : html`<tr><th scope="row">Tax ID</th><td>${taxIds.join(", ")}</td></tr>`}
  </tbody></table>
  ${editable ? html`<p style="margin-top:12px">${updateLink}</p>` : ""}`;
}

function invoiceHistory(ctx: PortalContext): Html {
  const invoices = Array.from(ctx.app.store.invoices.values())
    .filter((invoice) => idOf(invoice.customer) === ctx.customer.id && invoice.status !== "draft")
    .reverse();
  if (invoices.length === 0) return html`<h2>Invoice history</h2><p class="muted">No invoices yet.</p>`;
  const rows = invoices.map((invoice) => {
    const link = safeUrl(invoice.hosted_invoice_url);
    const view =
      link === null
        ? ""
        : html`<a href="${link}">View<span class="sr-only"> invoice ${invoice.number ?? invoice.id}</span></a>`;
    return html`<tr>
      <td class="nowrap">${longDate(invoice.created)}</td>
      <td class="num">${money(invoice.total, invoice.currency)}</td>
      <td>${badge(invoice.status)}</td>
      <td>${view}</td>
    </tr>`;
  });
  return html`<h2 id="invoice-history">Invoice history</h2>
  <div class="table-wrap"><table aria-labelledby="invoice-history">
    <thead><tr>
      <th>Date</th><th class="num">Amount</th><th>Status</th><th><span class="sr-only">Link</span></th>
    </tr></thead>
    <tbody>${rows}</tbody>
  </table></div>`;
}

export function homePage(ctx: PortalContext): HostedPageResponse {
  const features = ctx.config.features;
  const subs = liveSubscriptions(ctx);
  const plans =
    subs.length === 0
      ? html`<p class="muted">No active subscription.</p>`
      : subs.map((sub) => subscriptionCard(ctx, sub));
  return portalPage(
    ctx,
    "Billing",
    html`<h1 class="sr-only">Billing</h1>
  ${amountsDue(ctx)}
  <h2 style="margin-top:0">Current plan</h2>
  ${plans}
  ${features.payment_method_update.enabled ? paymentMethods(ctx) : ""}
  ${billingInformation(ctx)}
  ${features.invoice_history.enabled ? invoiceHistory(ctx) : ""}`,
  );
}
