// GET / — a read-only look at the emulator's state for a developer whose flow surprised them:
// customers, subscriptions, invoices, checkout sessions, events and webhook deliveries, newest
// first, each id linking to its JSON at /_emulator/objects/<id>.
import type Stripe from "stripe";
import type { App } from "../app.ts";
import { periodEnd } from "../billing/subscription-items.ts";
import { API_VERSION } from "../events/event-log.ts";
import { longDate, money, priceLabel, productName, statusLabel, statusTone, timestampLabel } from "../hosted/format.ts";
import { html, safeUrl, type Html } from "../hosted/html.ts";
import { renderDocument } from "../hosted/layout.ts";
import { idOf } from "../resources/lookup.ts";
import { Store } from "../store.ts";
import type { DeliveryRecord } from "../webhooks/dispatcher.ts";
import { groupDeliveries } from "./delivery-summary.ts";

/** Checkout session ids run to 66 characters: shown shortened (the full id is the link's name). */
function objectLink(id: string | null): Html {
  if (id === null) return html`<span class="muted">—</span>`;
  const shown = id.length > 32 ? `${id.slice(0, 16)}…${id.slice(-8)}` : id;
  const fullId = shown === id ? "" : html`aria-label="${id}" title="${id}"`;
  return html`<a class="mono" href="/_emulator/objects/${encodeURIComponent(id)}" ${fullId}>${shown}</a>`;
}

function badge(status: string | null): Html {
  return html`<span class="badge badge-${statusTone(status)}">${statusLabel(status)}</span>`;
}

function section(title: string, total: number, head: string[], rows: Html[]): Html {
  const id = title.toLowerCase().replace(/\W+/g, "-");
  return html`<section aria-labelledby="${id}">
  <h2 id="${id}">${title} <span class="muted">(${total})</span></h2>
  ${
    rows.length === 0
      ? html`<p class="muted">None yet.</p>`
      : html`<div class="table-wrap"><table aria-labelledby="${id}">
    <thead><tr>${head.map((label) => html`<th>${label}</th>`)}</tr></thead>
    <tbody>${rows}</tbody>
  </table></div>`
  }
</section>`;
}

function plan(app: App, sub: Stripe.Subscription): string {
  const item = sub.items.data[0];
  if (item === undefined) return "—";
  return `${productName(app, item.price)} · ${priceLabel(item.price)}`;
}

export function renderDashboard(app: App, deliveries: readonly DeliveryRecord[], query: URLSearchParams): string {
  const limit = Math.min(Math.max(Number(query.get("limit")) || 50, 1), 1_000);
  const { store } = app;
  const newest = <T>(map: Map<string, T>): T[] => Store.newestFirst(map).slice(0, limit);

  const customers = newest(store.customers).map(
    (customer) => html`<tr>
    <td>${objectLink(customer.id)}</td><td>${customer.email ?? "—"}</td><td>${customer.name ?? "—"}</td>
    <td class="nowrap">${timestampLabel(customer.created)}</td></tr>`,
  );
  const subscriptions = newest(store.subscriptions).map((sub) => {
    const cancels =
      sub.cancel_at === null ? "" : html`<br><span class="muted small">cancels ${longDate(sub.cancel_at)}</span>`;
    return html`<tr>
    <td>${objectLink(sub.id)}</td><td>${objectLink(idOf(sub.customer))}</td><td>${badge(sub.status)}</td>
    <td>${plan(app, sub)}</td><td class="nowrap">${longDate(periodEnd(sub))}${cancels}</td></tr>`;
  });
  const invoices = newest(store.invoices).map(
    (invoice) => html`<tr>
    <td>${objectLink(invoice.id)}</td><td>${invoice.number ?? "draft"}</td>
    <td>${objectLink(idOf(invoice.customer))}</td>
    <td class="num">${money(invoice.total, invoice.currency)}</td><td>${badge(invoice.status)}</td>
    <td class="nowrap">${timestampLabel(invoice.created)}</td></tr>`,
  );
  const sessions = newest(store.checkoutSessions).map((session) => {
    const url = session.status === "open" ? safeUrl(session.url) : null;
    const page = url === null ? "—" : html`<a href="${url}">Open checkout</a>`;
    return html`<tr><td>${objectLink(session.id)}</td><td>${session.mode}</td><td>${session.status ?? "—"}</td>
      <td>${objectLink(idOf(session.customer))}</td><td>${page}</td></tr>`;
  });
  const events = newest(store.events).map(
    (event) => html`<tr>
    <td>${objectLink(event.id)}</td><td class="mono">${event.type}</td><td>${objectLink(event.objectId)}</td>
    <td class="nowrap">${timestampLabel(event.created)}</td></tr>`,
  );
  const grouped = groupDeliveries(deliveries);
  const deliveryRows = grouped.slice(0, limit).map((delivery) => {
    const endpoint = delivery.endpoint === "forward" ? "forward-to" : objectLink(delivery.endpoint);
    const tone = delivery.ok ? "good" : "bad";
    const status = delivery.status === null ? (delivery.error ?? "failed") : String(delivery.status);
    const duplicate = delivery.duplicate ? html` <span class="muted small">duplicate</span>` : "";
    return html`<tr>
    <td>${objectLink(delivery.eventId)}</td><td class="mono">${delivery.eventType}</td>
    <td>${endpoint}<br><span class="muted small">${delivery.url}</span></td>
    <td class="num">${delivery.attempts}</td>
    <td><span class="badge badge-${tone}">${status}</span>${duplicate}</td>
    <td class="nowrap">${delivery.at.replace("T", " ").slice(0, 19)} UTC</td></tr>`;
  });

  const body = html`<main class="dashboard">
  <header class="card-head">
    <div><h1>Stripe emulator</h1>
      <p class="muted">API ${API_VERSION} · read-only view, newest first, ${limit} per table</p></div>
    <nav class="actions" style="margin:0" aria-label="Raw data">
      <a class="btn btn-secondary btn-small" href="/">Refresh</a>
      <a class="btn btn-secondary btn-small" href="/_emulator/snapshot">Snapshot JSON</a>
      <a class="btn btn-secondary btn-small" href="/_emulator/deliveries">Deliveries JSON</a>
    </nav>
  </header>
  ${section("Customers", store.customers.size, ["ID", "Email", "Name", "Created"], customers)}
  ${section(
    "Subscriptions",
    store.subscriptions.size,
    ["ID", "Customer", "Status", "Plan", "Period end"],
    subscriptions,
  )}
  ${section("Invoices", store.invoices.size, ["ID", "Number", "Customer", "Total", "Status", "Created"], invoices)}
  ${section("Checkout sessions", store.checkoutSessions.size, ["ID", "Mode", "Status", "Customer", "Page"], sessions)}
  ${section("Events", store.events.size, ["ID", "Type", "Object", "Created"], events)}
  ${section(
    "Webhook deliveries",
    grouped.length,
    ["Event", "Type", "Endpoint", "Attempts", "Last status", "Last attempt"],
    deliveryRows,
  )}
</main>`;
  return renderDocument({ title: "Stripe emulator", body });
}
