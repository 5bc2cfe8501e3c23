// Hosted Checkout's billing address and business tax ID fields, and the tax line that follows the
// country chosen (the emulator's rate table, billing/tax.ts). Shown when the session collects
// the address (`billing_address_collection=required`), computes tax (`automatic_tax`) or
// collects tax IDs (`tax_id_collection`).
import type { ParsedQs } from "qs";
import type Stripe from "stripe";
import { TAX_TABLE } from "../billing/tax.ts";
import type { CompletionInput } from "../billing/checkout-completion.ts";
import { formValue } from "./card-form.ts";
import { money } from "./format.ts";
import { html, type Html } from "./html.ts";

const COUNTRIES: ReadonlyArray<[string, string]> = [
  ["US", "United States"],
  ["AT", "Austria"],
  ["AU", "Australia"],
  ["BE", "Belgium"],
  ["CA", "Canada"],
  ["CH", "Switzerland"],
  ["DE", "Germany"],
  ["DK", "Denmark"],
  ["ES", "Spain"],
  ["FR", "France"],
  ["GB", "United Kingdom"],
  ["IE", "Ireland"],
  ["IT", "Italy"],
  ["JP", "Japan"],
  ["NL", "Netherlands"],
  ["NO", "Norway"],
  ["PL", "Poland"],
  ["SE", "Sweden"],
];

export type AddressValues = Partial<
  Record<
    | "billingCountry"
    | "billingAddressLine1"
    | "billingLocality"
    | "billingPostalCode"
    | "business"
    | "businessName"
    | "taxId",
    string
  >
>;

export function collectsAddress(session: Stripe.Checkout.Session): boolean {
  return session.billing_address_collection === "required" || session.automatic_tax.enabled;
}

export function readAddressValues(form: ParsedQs): AddressValues {
  const keys = [
    "billingCountry",
    "billingAddressLine1",
    "billingLocality",
    "billingPostalCode",
    "business",
    "businessName",
    "taxId",
  ] as const;
  return Object.fromEntries(keys.map((key) => [key, formValue(form, key)]));
}

/** What the completion takes from the fields (empty ones left out, for it to refuse). */
export function addressInput(
  session: Stripe.Checkout.Session,
  values: AddressValues,
): Pick<CompletionInput, "address" | "business"> {
  const address =
    collectsAddress(session) && values.billingCountry
      ? {
          country: values.billingCountry,
          ...(values.billingAddressLine1 ? { line1: values.billingAddressLine1 } : {}),
          ...(values.billingLocality ? { city: values.billingLocality } : {}),
          ...(values.billingPostalCode ? { postalCode: values.billingPostalCode } : {}),
        }
      : undefined;
  const business =
    session.tax_id_collection?.enabled === true && values.business === "1"
      ? { name: values.businessName ?? "", taxId: values.taxId ?? "" }
      : undefined;
  return { ...(address === undefined ? {} : { address }), ...(business === undefined ? {} : { business }) };
}

function textField(id: keyof AddressValues, label: string, autocomplete: string, values: AddressValues): Html {
  return html`<div class="field">
    <label for="${id}">${label}</label>
    <input type="text" id="${id}" name="${id}" value="${values[id] ?? ""}" autocomplete="${autocomplete}">
  </div>`;
}

export function addressFields(session: Stripe.Checkout.Session, values: AddressValues): Html {
  if (!collectsAddress(session) && session.tax_id_collection?.enabled !== true) return html``;
  const selected = values.billingCountry ?? "";
  const options = COUNTRIES.map(
    ([code, name]) => html`<option value="${code}" ${code === selected ? html`selected` : ""}>${name}</option>`,
  );
  const full = session.billing_address_collection === "required";
  const address = collectsAddress(session)
    ? html`<fieldset>
      <legend>Billing address</legend>
      <div class="field">
        <label for="billingCountry">Country or region</label>
        <select id="billingCountry" name="billingCountry" autocomplete="country" data-tax-country>
          <option value="" ${selected === "" ? html`selected` : ""}>Select…</option>
          ${options}
        </select>
      </div>
      ${full ? textField("billingAddressLine1", "Address", "address-line1", values) : ""}
      ${full ? textField("billingLocality", "City", "address-level2", values) : ""}
      ${textField("billingPostalCode", "Postal code", "postal-code", values)}
    </fieldset>`
    : "";
  const business =
    session.tax_id_collection?.enabled === true
      ? html`<div class="field">
        <label><input type="checkbox" id="business" name="business" value="1"
          ${values.business === "1" ? html`checked` : ""}> I'm purchasing as a business</label>
      </div>
      <div data-business-fields>
        ${textField("businessName", "Business name", "organization", values)}
        ${textField("taxId", "Tax ID", "off", values)}
      </div>`
      : "";
  return html`${address}${business}`;
}

/** The tax line of the order summary; the script fills it in as the country changes. */
export function taxLine(session: Stripe.Checkout.Session): Html {
  if (!session.automatic_tax.enabled) return html``;
  return html`<li data-tax-line>
    <span>Tax <span class="muted small" data-tax-label>Enter your address to calculate</span></span>
    <span data-tax-amount>—</span></li>`;
}

/** Rates and the taxable amount for the script, as data attributes of the summary. */
export function taxData(session: Stripe.Checkout.Session): Html {
  if (!session.automatic_tax.enabled) return html``;
  const rates = Object.fromEntries(Object.entries(TAX_TABLE).map(([country, entry]) => [country, entry]));
  return html`data-tax-rates="${JSON.stringify(rates)}" data-taxable="${String(session.amount_total ?? 0)}"
    data-currency="${session.currency ?? "usd"}" data-zero="${money(0, session.currency ?? "usd")}"`;
}

/** Updates the tax line and the total as the buyer picks a country; shows the business fields. */
export const ADDRESS_SCRIPT = `(function () {
  var summary = document.querySelector("[data-tax-rates]");
  var select = document.querySelector("[data-tax-country]");
  function format(amount, currency) {
    return new Intl.NumberFormat("en-US", { style: "currency", currency: currency.toUpperCase() }).format(amount / 100);
  }
  function update() {
    if (!summary || !select) return;
    var rates = JSON.parse(summary.getAttribute("data-tax-rates"));
    var taxable = Number(summary.getAttribute("data-taxable"));
    var currency = summary.getAttribute("data-currency");
    var rate = rates[select.value];
    var tax = rate ? Math.round((taxable * rate.percentage) / 100) : 0;
    var label = document.querySelector("[data-tax-label]");
    var amount = document.querySelector("[data-tax-amount]");
    var total = document.querySelector("[data-total-amount]");
    var named = rate ? rate.name + " (" + rate.percentage + "%)" : "No tax";
    if (label) label.textContent = select.value ? named : "Enter your address to calculate";
    if (amount) amount.textContent = select.value ? format(tax, currency) : "—";
    if (total) total.textContent = format(taxable + tax, currency);
  }
  if (select) { select.addEventListener("change", update); update(); }
  var box = document.getElementById("business");
  var fields = document.querySelector("[data-business-fields]");
  function toggle() { if (box && fields) fields.hidden = !box.checked; }
  if (box) { box.addEventListener("change", toggle); toggle(); }
})();`;
