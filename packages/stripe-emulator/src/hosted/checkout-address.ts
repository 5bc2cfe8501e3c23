// Hosted Checkout's billing address and business tax ID fields, and the tax line that follows the
// country chosen (the emulator's rate table, billing/tax.ts). Shown when the session collects
// the address (`billing_address_collection=required`), computes tax (`automatic_tax`) or
// collects tax IDs (`tax_id_collection`).
import type { ParsedQs } from "qs";
import type Stripe from "stripe";
import { TAX_TABLE } from "../billing/tax.ts";
import type { CompletionInput } from "../billing/checkout-completion.ts";
import { formValue } from "./card-form.ts";
import { ZERO_DECIMAL } from "./format.ts";
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
    | "link"
    | "phoneNumber"
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
    "link",
    "phoneNumber",
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

function textField(
  id: keyof AddressValues,
  label: string,
  autocomplete: string,
  values: AddressValues,
  required = false,
): Html {
  return html`<div class="field">
    <label for="${id}">${label}</label>
    <input type="text" id="${id}" name="${id}" value="${values[id] ?? ""}" autocomplete="${autocomplete}"
      ${required ? html`required aria-required="true"` : ""}>
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
        <select id="billingCountry" name="billingCountry" autocomplete="country" data-tax-country required>
          <option value="" ${selected === "" ? html`selected` : ""}>Select…</option>
          ${options}
        </select>
      </div>
      ${full ? textField("billingAddressLine1", "Address", "address-line1", values, true) : ""}
      ${full ? textField("billingLocality", "City", "address-level2", values, true) : ""}
      ${textField("billingPostalCode", "Postal code", "postal-code", values, full)}
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

/**
 * Link, as Stripe's Checkout offers it: "Save my information for faster checkout", which asks for
 * a phone number. Off unless ticked; the emulator checks the number and keeps nothing.
 */
export function linkFields(values: AddressValues, error: string | undefined): Html {
  return html`<fieldset>
    <legend class="sr-only">Link</legend>
    <div class="field">
      <label><input type="checkbox" id="enableStripePass" name="link" value="1"
        ${values.link === "1" ? html`checked` : ""}> Save my information for faster checkout</label>
      <p class="muted small">Pay securely at this site and everywhere Link is accepted.</p>
    </div>
    <div data-link-fields>
      <div class="field">
        <label for="phoneNumber">Phone number</label>
        <input type="tel" id="phoneNumber" name="phoneNumber" value="${values.phoneNumber ?? ""}" autocomplete="tel"
          aria-invalid="${error === undefined ? "false" : "true"}" aria-describedby="phoneNumber-error">
        <div class="field-error" id="phoneNumber-error" aria-live="polite">${error ?? ""}</div>
      </div>
    </div>
  </fieldset>`;
}

/** The phone number Link needs, when Link is ticked. */
export function linkError(values: AddressValues): string | undefined {
  if (values.link !== "1") return undefined;
  return /^\+?[0-9 ()-]{7,20}$/.test(values.phoneNumber ?? "") ? undefined : "Your phone number is incomplete.";
}

/** The tax line of the order summary; the script fills it in as the country changes. */
export function taxLine(session: Stripe.Checkout.Session): Html {
  if (!session.automatic_tax.enabled) return html``;
  return html`<li data-tax-line aria-live="polite">
    <span>Tax <span class="muted small" data-tax-label>Enter your address to calculate</span></span>
    <span data-tax-amount>—</span></li>`;
}

/** Rates and the taxable amount for the script, as data attributes of the summary. */
export function taxData(session: Stripe.Checkout.Session): Html {
  if (!session.automatic_tax.enabled) return html``;
  const rates = Object.fromEntries(Object.entries(TAX_TABLE).map(([country, entry]) => [country, entry]));
  return html`data-tax-rates="${JSON.stringify(rates)}" data-taxable="${String(session.amount_total ?? 0)}"
    data-currency="${session.currency ?? "usd"}" data-zero-decimal="${JSON.stringify([...ZERO_DECIMAL])}"`;
}

/** Updates the tax line and the total as the buyer picks a country; shows the business fields. */
export const ADDRESS_SCRIPT = `(function () {
  var summary = document.querySelector("[data-tax-rates]");
  var select = document.querySelector("[data-tax-country]");
  var zeroDecimal = JSON.parse(summary ? summary.getAttribute("data-zero-decimal") : "[]");
  function format(amount, currency) {
    var units = zeroDecimal.indexOf(currency) === -1 ? amount / 100 : amount;
    return new Intl.NumberFormat("en-US", { style: "currency", currency: currency.toUpperCase() }).format(units);
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
  function reveal(boxId, selector) {
    var box = document.getElementById(boxId);
    var fields = document.querySelector(selector);
    function toggle() { if (box && fields) fields.hidden = !box.checked; }
    if (box) { box.addEventListener("change", toggle); toggle(); }
  }
  reveal("business", "[data-business-fields]");
  reveal("enableStripePass", "[data-link-fields]");
})();`;
