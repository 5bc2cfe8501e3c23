// Dates and amounts as the billing page shows them. UTC, so the server's render and
// the browser's agree.
import type { RouterOutputs } from "@saas/api";

type Discount = NonNullable<NonNullable<RouterOutputs["billing"]["status"]["subscription"]>["discount"]>;

// Built once: toLocaleDateString with options builds a new formatter on every call, which
// showed up in the server's CPU profile of the settings page (BENCHMARKS.md).
const DATE = new Intl.DateTimeFormat("en-US", { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" });

export function formatDate(iso: string): string {
  return DATE.format(new Date(iso));
}

export function formatMoney(amount: number, currency: string): string {
  return new Intl.NumberFormat("en-US", {
    style: "currency",
    currency: currency.toUpperCase(),
    minimumFractionDigits: amount % 100 === 0 ? 0 : 2,
  }).format(amount / 100);
}

/** "4 seats × $12 = $48 / month": what a per-seat plan costs for `seats` seats. */
export function formatSeats(seats: number, unitAmount: number, currency: string, interval: string): string {
  const each = formatMoney(unitAmount, currency);
  const total = formatMoney(seats * unitAmount, currency);
  return `${seats} ${seats === 1 ? "seat" : "seats"} × ${each} = ${total} / ${interval}`;
}

/** "LAUNCH20: 20% off until April 10, 2027", "…: $5 off the next invoice", "…: 10% off forever". */
export function formatDiscount(discount: Discount, currency: string): string {
  const off =
    discount.percentOff !== null
      ? `${discount.percentOff}% off`
      : `${formatMoney(discount.amountOff ?? 0, currency)} off`;
  const until =
    discount.endsAt !== null
      ? `until ${formatDate(discount.endsAt)}`
      : discount.duration === "forever"
        ? "forever"
        : "the next invoice";
  return `${discount.name}: ${off} ${until}`;
}
