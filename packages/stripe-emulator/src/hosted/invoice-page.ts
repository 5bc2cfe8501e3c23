// The hosted invoice page behind `hosted_invoice_url` (and `invoice_pdf`, which shows the same
// page rather than a PDF): read-only, straight from the stored invoice.
import type Stripe from "stripe";
import type { App } from "../app.ts";
import { couponOf } from "../billing/discounts.ts";
import { idOf } from "../resources/lookup.ts";
import { couponTerms, longDate, money, statusLabel, statusTone } from "./format.ts";
import type { HostedPageRequest, HostedPageResponse } from "./hosted-pages.ts";
import { html } from "./html.ts";
import { notFoundPage, pageResponse } from "./layout.ts";

function statusLine(invoice: Stripe.Invoice): string {
  const paidAt = invoice.status_transitions.paid_at;
  if (invoice.status === "paid" && paidAt !== null) return `Paid on ${longDate(paidAt)}`;
  if (invoice.status === "open")
    return invoice.due_date === null ? "Due on receipt" : `Due ${longDate(invoice.due_date)}`;
  return statusLabel(invoice.status);
}

function billedTo(app: App, invoice: Stripe.Invoice): string {
  const customer = app.store.customers.get(idOf(invoice.customer) ?? "");
  return (
    [invoice.customer_name ?? customer?.name, invoice.customer_email ?? customer?.email]
      .filter((part) => part !== null && part !== undefined && part !== "")
      .join(" · ") || "—"
  );
}

/** Subtotal and one row per discount ("LAUNCH20 (20% off for 3 months)"), when there is one. */
function discountRows(app: App, invoice: Stripe.Invoice) {
  const totals = (invoice.total_discount_amounts ?? []).filter((entry) => entry.amount > 0);
  if (totals.length === 0) return html``;
  const rows = totals.map((entry) => {
    const discount = app.store.discounts.get(idOf(entry.discount) ?? "");
    const coupon = couponOf(app, idOf(discount?.source.coupon));
    const code = app.store.promotionCodes.get(idOf(discount?.promotion_code) ?? "")?.code;
    const name = code ?? coupon?.name ?? coupon?.id ?? "Discount";
    const terms = coupon === undefined ? "" : ` (${couponTerms(coupon)})`;
    return html`<tr><td colspan="2">${name}${terms}</td>
      <td class="num">−${money(entry.amount, invoice.currency)}</td></tr>`;
  });
  return html`<tr><td colspan="2">Subtotal</td><td class="num">${money(invoice.subtotal, invoice.currency)}</td></tr>
    ${rows}`;
}

/** One row per tax ("VAT (19%)"), when the invoice has any. */
function taxRows(app: App, invoice: Stripe.Invoice) {
  return (invoice.total_taxes ?? [])
    .filter((entry) => entry.amount > 0)
    .map((entry) => {
      const rate = app.store.taxRates.get(entry.tax_rate_details?.tax_rate ?? "");
      const name = rate === undefined ? "Tax" : `${rate.display_name} (${rate.percentage}%)`;
      return html`<tr><td colspan="2">${name}</td><td class="num">${money(entry.amount, invoice.currency)}</td></tr>`;
    });
}

const PAY_HINT = html`Open invoices are paid from the customer portal or with <code>invoices.pay</code>.`;

export function invoicePage({ app, id, path }: HostedPageRequest): HostedPageResponse {
  const invoice = app.store.invoices.get(id);
  if (invoice === undefined || (path !== "" && path !== "/pdf")) return notFoundPage("Invoice");
  const currency = invoice.currency;
  const lines = invoice.lines.data.map((line) => {
    const period = `${longDate(line.period.start)} – ${longDate(line.period.end)}`;
    return html`<tr>
    <td>${line.description ?? ""}<br><span class="muted small">${period}</span></td>
    <td class="num">${line.quantity ?? 1}</td>
    <td class="num">${money(line.amount, currency)}</td>
  </tr>`;
  });
  const title = `Invoice ${invoice.number ?? invoice.id}`;
  const remaining = money(invoice.amount_remaining, currency);
  const body = html`<main class="dashboard" style="max-width:760px">
  <span class="pill">Test mode</span>
  <div class="card-head" style="margin-top:16px">
    <h1>${title}</h1>
    <span class="badge badge-${statusTone(invoice.status)}">${statusLabel(invoice.status)}</span>
  </div>
  <p class="amount">${money(invoice.status === "paid" ? invoice.amount_paid : invoice.amount_remaining, currency)}</p>
  <p class="muted">${statusLine(invoice)}</p>
  <table class="kv" aria-label="Invoice details" style="margin:24px 0">
    <tbody>
      <tr><th scope="row">Invoice number</th><td>${invoice.number ?? "—"}</td></tr>
      <tr><th scope="row">Date of issue</th><td>${longDate(invoice.effective_at ?? invoice.created)}</td></tr>
      <tr><th scope="row">Billed to</th><td>${billedTo(app, invoice)}</td></tr>
      ${(invoice.customer_tax_ids ?? []).map(
        (taxId) => html`<tr><th scope="row">Tax ID</th><td>${taxId.value ?? ""}</td></tr>`,
      )}
      ${
        invoice.customer_address?.country
          ? html`<tr><th scope="row">Country</th><td>${invoice.customer_address.country}</td></tr>`
          : ""
      }
    </tbody>
  </table>
  <div class="table-wrap"><table aria-label="Line items">
    <thead><tr><th>Description</th><th class="num">Qty</th><th class="num">Amount</th></tr></thead>
    <tbody>${lines}</tbody>
    <tfoot>
      ${discountRows(app, invoice)}
      ${taxRows(app, invoice)}
      <tr><td colspan="2">Total</td><td class="num">${money(invoice.total, currency)}</td></tr>
      <tr><td colspan="2">Amount paid</td><td class="num">${money(invoice.amount_paid, currency)}</td></tr>
      <tr><td colspan="2"><b>Amount remaining</b></td><td class="num"><b>${remaining}</b></td></tr>
    </tfoot>
  </table></div>
  <p class="muted small" style="margin-top:24px">A read-only copy served by the Stripe emulator. ${PAY_HINT}</p>
</main>`;
  return pageResponse(200, title, body);
}
