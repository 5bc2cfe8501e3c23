// The emulator's stand-in for Stripe Tax: a fixed rate table by the customer's country, added on
// top of the price (exclusive), one tax rate object per country. Deterministic, documented,
// and not real tax advice: no thresholds, registrations, reverse charge or product tax codes.
import type Stripe from "stripe";
import type { App } from "../app.ts";
import { newId } from "../ids.ts";
import { realNow } from "../time.ts";

/** Country → percentage and the tax's name. Countries not listed are not taxed (`not_collecting`). */
export const TAX_TABLE: Readonly<Record<string, { percentage: number; name: string; type: Stripe.TaxRate.TaxType }>> = {
  AT: { percentage: 20, name: "VAT", type: "vat" },
  AU: { percentage: 10, name: "GST", type: "gst" },
  BE: { percentage: 21, name: "VAT", type: "vat" },
  CA: { percentage: 5, name: "GST", type: "gst" },
  CH: { percentage: 8.1, name: "VAT", type: "vat" },
  DE: { percentage: 19, name: "VAT", type: "vat" },
  DK: { percentage: 25, name: "VAT", type: "vat" },
  ES: { percentage: 21, name: "VAT", type: "vat" },
  FR: { percentage: 20, name: "VAT", type: "vat" },
  GB: { percentage: 20, name: "VAT", type: "vat" },
  IE: { percentage: 23, name: "VAT", type: "vat" },
  IT: { percentage: 22, name: "VAT", type: "vat" },
  JP: { percentage: 10, name: "JCT", type: "jct" },
  NL: { percentage: 21, name: "VAT", type: "vat" },
  PL: { percentage: 23, name: "VAT", type: "vat" },
  SE: { percentage: 25, name: "VAT", type: "vat" },
};

/** The country's tax rate object, made the first time it is needed and reused after. */
function taxRateFor(app: App, country: string): Stripe.TaxRate | null {
  const entry = TAX_TABLE[country];
  if (entry === undefined) return null;
  const existing = [...app.store.taxRates.values()].find((rate) => rate.country === country);
  if (existing !== undefined) return existing;
  const rate: Stripe.TaxRate = {
    id: newId("taxRate"),
    object: "tax_rate",
    active: true,
    country,
    created: realNow(),
    description: `${country} ${entry.name} (emulator's rate table)`,
    display_name: entry.name,
    effective_percentage: entry.percentage,
    flat_amount: null,
    inclusive: false,
    jurisdiction: country,
    jurisdiction_level: "country",
    livemode: false,
    metadata: {},
    percentage: entry.percentage,
    rate_type: "percentage",
    state: null,
    tax_type: entry.type,
  };
  app.store.taxRates.set(rate.id, rate);
  return rate;
}

export interface LineTax {
  /** Per line, in order: its tax entries. */
  perLine: Stripe.InvoiceLineItem.Tax[][];
  totals: Stripe.Invoice.TotalTax[];
  amount: number;
}

/** Tax on each line's amount after its discounts, at the country's rate. */
export function taxLines(app: App, country: string | null | undefined, taxable: number[]): LineTax {
  const rate = country == null ? null : taxRateFor(app, country);
  const perLine = taxable.map((amount): Stripe.InvoiceLineItem.Tax[] => [
    {
      // Rounded half away from zero, so a credit's tax mirrors its charge's.
      amount: rate === null ? 0 : Math.sign(amount) * Math.round((Math.abs(amount) * rate.percentage) / 100),
      tax_behavior: "exclusive",
      tax_rate_details: rate === null ? null : { tax_rate: rate.id },
      taxability_reason: rate === null ? "not_collecting" : "standard_rated",
      taxable_amount: rate === null ? 0 : amount,
      type: "tax_rate_details",
    },
  ]);
  const amount = perLine.reduce((sum, entries) => sum + (entries[0]?.amount ?? 0), 0);
  const total: Stripe.Invoice.TotalTax = {
    amount,
    tax_behavior: "exclusive",
    tax_rate_details: rate === null ? null : { tax_rate: rate.id },
    taxability_reason: rate === null ? "not_collecting" : "standard_rated",
    taxable_amount: rate === null ? 0 : taxable.reduce((sum, value) => sum + value, 0),
    type: "tax_rate_details",
  };
  return { perLine, totals: [total], amount };
}
