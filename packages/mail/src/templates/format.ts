// How amounts and dates read in emails (and in the in-app alerts that say the same thing).
export function formatMoney(amount: number, currency: string): string {
  return new Intl.NumberFormat("en-US", { style: "currency", currency: currency.toUpperCase() }).format(amount / 100);
}

/** A Unix time (seconds) as a date, e.g. "December 5, 2026", in UTC. */
export function formatDay(seconds: number): string {
  return new Date(seconds * 1000).toLocaleDateString("en-US", {
    month: "long",
    day: "numeric",
    year: "numeric",
    timeZone: "UTC",
  });
}
