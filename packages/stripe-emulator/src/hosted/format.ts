// How the hosted pages word amounts, prices, dates, statuses and cards, in Stripe's en-US style.
import type Stripe from "stripe";
import type { App } from "../app.ts";
import { idOf } from "../resources/lookup.ts";

export const ZERO_DECIMAL = new Set([
  "bif",
  "clp",
  "djf",
  "gnf",
  "jpy",
  "kmf",
  "krw",
  "mga",
  "pyg",
  "rwf",
  "ugx",
  "vnd",
  "vuv",
  "xaf",
  "xof",
  "xpf",
]);

/** Minor units → "$12.00". */
export function money(amount: number, currency: string): string {
  const code = currency.toLowerCase();
  const value = ZERO_DECIMAL.has(code) ? amount : amount / 100;
  return new Intl.NumberFormat("en-US", { style: "currency", currency: code.toUpperCase() }).format(value);
}

/** "per month", "every 3 months". */
export function intervalLabel(recurring: Stripe.Price.Recurring | null): string {
  if (recurring === null) return "";
  if (recurring.interval_count === 1) return `per ${recurring.interval}`;
  return `every ${recurring.interval_count} ${recurring.interval}s`;
}

/** "$12.00 per month" (or just the amount for one-time prices). */
export function priceLabel(price: Stripe.Price): string {
  const amount = money(price.unit_amount ?? 0, price.currency);
  return price.recurring === null ? amount : `${amount} ${intervalLabel(price.recurring)}`;
}

export function productName(app: App, price: Stripe.Price): string {
  const product = app.store.products.get(idOf(price.product) ?? "");
  return product?.name ?? price.nickname ?? price.id;
}

/** "December 27, 2026" — dates are shown in UTC so pages and tests agree on every machine. */
export function longDate(timestamp: number): string {
  return new Date(timestamp * 1000).toLocaleDateString("en-US", {
    month: "long",
    day: "numeric",
    year: "numeric",
    timeZone: "UTC",
  });
}

/** "2026-12-27 14:03:09 UTC", for the dashboard. */
export function timestampLabel(timestamp: number): string {
  return `${new Date(timestamp * 1000).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

const STATUS_LABELS: Record<string, string> = {
  active: "Active",
  trialing: "Trial",
  past_due: "Past due",
  unpaid: "Unpaid",
  canceled: "Canceled",
  incomplete: "Incomplete",
  incomplete_expired: "Expired",
  paused: "Paused",
  paid: "Paid",
  open: "Open",
  draft: "Draft",
  void: "Void",
  uncollectible: "Uncollectible",
};

export function statusLabel(status: string | null): string {
  return status === null ? "—" : (STATUS_LABELS[status] ?? status);
}

/** Badge colour family for a status. */
export function statusTone(status: string | null): "good" | "warn" | "bad" | "neutral" {
  if (status === "active" || status === "paid" || status === "trialing") return "good";
  if (status === "past_due" || status === "open" || status === "incomplete" || status === "unpaid") return "warn";
  if (status === "canceled" || status === "void" || status === "uncollectible" || status === "incomplete_expired")
    return "bad";
  return "neutral";
}

const BRANDS: Record<string, string> = {
  visa: "Visa",
  mastercard: "Mastercard",
  amex: "American Express",
  discover: "Discover",
};

/** "Visa •••• 4242". */
export function cardLabel(pm: Stripe.PaymentMethod): string {
  if (pm.card === undefined || pm.card === null) return pm.type;
  return `${BRANDS[pm.card.brand] ?? pm.card.brand} •••• ${pm.card.last4}`;
}

export function expiryLabel(pm: Stripe.PaymentMethod): string {
  if (pm.card === undefined || pm.card === null) return "";
  return `Expires ${String(pm.card.exp_month).padStart(2, "0")}/${pm.card.exp_year}`;
}

/** "20% off for 3 months", "$5.00 off once", "10% off forever". */
export function couponTerms(coupon: Stripe.Coupon): string {
  const off =
    coupon.percent_off !== null
      ? `${coupon.percent_off}% off`
      : `${money(coupon.amount_off ?? 0, coupon.currency ?? "usd")} off`;
  if (coupon.duration === "forever") return `${off} forever`;
  if (coupon.duration === "once") return `${off} once`;
  const months = coupon.duration_in_months ?? 1;
  return `${off} for ${months} ${months === 1 ? "month" : "months"}`;
}
