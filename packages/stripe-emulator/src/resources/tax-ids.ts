// /v1/customers/:id/tax_ids (and `tax_id_data` on customer create): a customer's tax numbers, as
// invoices print them (`customer_tax_ids`). Formats are checked for the types listed here.
import type Stripe from "stripe";
import type { App } from "../app.ts";
import { invalidRequest } from "../http/errors.ts";
import type { Params } from "../http/params.ts";
import { newId } from "../ids.ts";
import { LIST_PARAMS, paginate } from "../list.ts";
import { reply, requireParam, route, type ApiContext, type Route } from "../router.ts";
import { Store } from "../store.ts";
import { realNow } from "../time.ts";
import { getOr404, liveCustomer } from "./lookup.ts";

/** Formats for the common types; a type not listed is accepted as given. */
const FORMATS: Partial<Record<Stripe.TaxId.Type, { pattern: RegExp; example: string }>> = {
  eu_vat: {
    pattern: /^(AT|BE|BG|CY|CZ|DE|DK|EE|EL|ES|FI|FR|HR|HU|IE|IT|LT|LU|LV|MT|NL|PL|PT|RO|SE|SI|SK|XI)[0-9A-Z]{8,12}$/,
    example: "DE123456789",
  },
  gb_vat: { pattern: /^GB[0-9]{9}([0-9]{3})?$/, example: "GB123456789" },
  ch_vat: { pattern: /^CHE-?[0-9]{3}\.?[0-9]{3}\.?[0-9]{3} ?(MWST|TVA|IVA)$/, example: "CHE-123.456.789 MWST" },
  au_abn: { pattern: /^[0-9]{11}$/, example: "12345678912" },
  us_ein: { pattern: /^[0-9]{2}-?[0-9]{7}$/, example: "12-3456789" },
};

const TYPES = ["eu_vat", "gb_vat", "ch_vat", "au_abn", "us_ein", "ca_bn", "no_vat", "jp_cn", "in_gst"] as const;

/** The tax ID type Checkout uses for a business in this country. */
const TAX_ID_TYPE_BY_COUNTRY: Readonly<Record<string, Stripe.TaxId.Type>> = {
  GB: "gb_vat",
  CH: "ch_vat",
  AU: "au_abn",
  US: "us_ein",
  CA: "ca_bn",
  NO: "no_vat",
  JP: "jp_cn",
  IN: "in_gst",
};
const EU = "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split(" ");

/** The tax ID type a business in this country gives (Checkout's "purchasing as a business"). */
export function taxIdTypeFor(country: string): Stripe.TaxId.Type | undefined {
  return EU.includes(country) ? "eu_vat" : TAX_ID_TYPE_BY_COUNTRY[country];
}

/** The country a tax id belongs to, as Stripe fills `country`. */
function countryOf(type: Stripe.TaxId.Type, value: string): string | null {
  if (type === "eu_vat") return value.startsWith("EL") ? "GR" : value.slice(0, 2);
  const byType: Partial<Record<string, string>> = { gb_vat: "GB", ch_vat: "CH", au_abn: "AU", us_ein: "US" };
  return byType[type] ?? null;
}

/** A tax id's type and value as Stripe stores them, or Stripe's 400 (on `param`). */
export function checkTaxId(type: string, rawValue: string, param: string): { type: Stripe.TaxId.Type; value: string } {
  const name = (key: string) => (param === "" ? key : `${param}[${key}]`);
  if (!(TYPES as readonly string[]).includes(type))
    throw invalidRequest(`Invalid value for type: ${type}`, name("type"));
  const taxType: Stripe.TaxId.Type = type;
  const value = rawValue.replace(/\s+/g, taxType === "ch_vat" ? " " : "").toUpperCase();
  if (value === "") throw invalidRequest(`Enter a ${taxType} value.`, name("value"), "tax_id_invalid");
  const format = FORMATS[taxType];
  if (format !== undefined && !format.pattern.test(value)) {
    throw invalidRequest(
      `Invalid value for ${taxType}: ${rawValue}. A ${taxType} looks like ${format.example}.`,
      name("value"),
      "tax_id_invalid",
    );
  }
  return { type: taxType, value };
}

/** Stores a checked tax id on the customer (`customer.tax_id.created`). */
export function addTaxId(app: App, customerId: string, checked: { type: Stripe.TaxId.Type; value: string }) {
  const { type: taxType, value } = checked;
  const taxId: Stripe.TaxId = {
    id: newId("taxId"),
    object: "tax_id",
    country: countryOf(taxType, value),
    created: realNow(),
    customer: customerId,
    customer_account: null,
    livemode: false,
    owner: { type: "customer", customer: customerId, customer_account: null },
    type: taxType,
    value,
    verification: { status: "unverified", verified_address: null, verified_name: null },
  };
  app.store.taxIds.set(taxId.id, taxId);
  app.events.emit("customer.tax_id.created", taxId);
  return taxId;
}

/** `tax_id_data[]` of a customer create: checked before the customer exists. */
export function readTaxIdData(input: Params): Array<{ type: Stripe.TaxId.Type; value: string }> {
  return (input.childList("tax_id_data", ["type", "value"]) ?? []).map((entry) =>
    checkTaxId(entry.requiredString("type"), entry.requiredString("value"), entry.path),
  );
}

function customerTaxIds(app: App, customerId: string): Stripe.TaxId[] {
  return Store.newestFirst(app.store.taxIds).filter((taxId) => taxId.customer === customerId);
}

function taxIdOf(ctx: ApiContext): Stripe.TaxId {
  const customer = liveCustomer(ctx.app, requireParam(ctx, "id"), "id");
  const taxId = getOr404(ctx.app.store.taxIds, requireParam(ctx, "taxId"), "tax_id");
  if (taxId.customer !== customer.id) getOr404(ctx.app.store.taxIds, "", "tax_id");
  return taxId;
}

/** Deletes one (`customer.tax_id.deleted`). */
export function removeTaxId(app: App, id: string): Stripe.DeletedTaxId {
  const taxId = getOr404(app.store.taxIds, id, "tax_id");
  app.store.taxIds.delete(taxId.id);
  app.events.emit("customer.tax_id.deleted", taxId);
  return { id: taxId.id, object: "tax_id", deleted: true };
}

export const taxIdRoutes: Route[] = [
  route("POST", "/v1/customers/:id/tax_ids", (ctx) => {
    const input = ctx.input.allow(["type", "value", "expand"]);
    const customer = liveCustomer(ctx.app, requireParam(ctx, "id"), "id");
    const type = input.requiredString("type");
    return reply(ctx, addTaxId(ctx.app, customer.id, checkTaxId(type, input.requiredString("value"), "")));
  }),
  route("GET", "/v1/customers/:id/tax_ids", (ctx) => {
    const input = ctx.input.allow(LIST_PARAMS);
    const customer = liveCustomer(ctx.app, requireParam(ctx, "id"), "id");
    return reply(ctx, paginate(customerTaxIds(ctx.app, customer.id), input, `/v1/customers/${customer.id}/tax_ids`));
  }),
  route("GET", "/v1/customers/:id/tax_ids/:taxId", (ctx) => {
    ctx.input.allow(["expand"]);
    return reply(ctx, taxIdOf(ctx));
  }),
  route("DELETE", "/v1/customers/:id/tax_ids/:taxId", (ctx) => {
    ctx.input.allow([]);
    return reply(ctx, removeTaxId(ctx.app, taxIdOf(ctx).id));
  }),
];
