// "Update information": the customer's name, email, billing address and tax IDs, as far as
// `features.customer_update.allowed_updates` allows them.
import type Stripe from "stripe";
import { StripeHttpError } from "../http/errors.ts";
import { addTaxId, checkTaxId, removeTaxId } from "../resources/tax-ids.ts";
import { emailField, formValue, validateEmail, type FieldErrors, type FormValues } from "./card-form.ts";
import type { HostedPageResponse } from "./hosted-pages.ts";
import { html } from "./html.ts";
import { updateCustomer } from "./portal-actions.ts";
import { PortalNotFound, type PortalContext } from "./portal-context.ts";
import { finish } from "./portal-flow.ts";
import { backHref, portalPage } from "./portal-view.ts";

type Editable = { name: boolean; email: boolean; address: boolean; taxId: boolean };

export function editableFields(ctx: PortalContext): Editable {
  const update = ctx.config.features.customer_update;
  const allowed = update.enabled ? update.allowed_updates : [];
  return {
    name: allowed.includes("name"),
    email: allowed.includes("email"),
    address: allowed.includes("address"),
    taxId: allowed.includes("tax_id"),
  };
}

function editable(ctx: PortalContext): Editable {
  const fields = editableFields(ctx);
  if (!fields.name && !fields.email && !fields.address && !fields.taxId) throw new PortalNotFound("customer_update");
  return fields;
}

/** The types the portal offers for a new tax ID, with how each looks. */
const TAX_ID_TYPES = [
  ["eu_vat", "EU VAT (DE123456789)"],
  ["gb_vat", "UK VAT (GB123456789)"],
  ["ch_vat", "Swiss VAT (CHE-123.456.789 MWST)"],
  ["au_abn", "Australian ABN (12345678912)"],
  ["us_ein", "US EIN (12-3456789)"],
] as const;

type TaxIdValues = { type?: string; value?: string; remove?: string[] };

function customerTaxIds(ctx: PortalContext): Stripe.TaxId[] {
  return [...ctx.app.store.taxIds.values()].filter((taxId) => taxId.customer === ctx.customer.id);
}

function taxIdFields(ctx: PortalContext, values: TaxIdValues, error: string | undefined) {
  const existing = customerTaxIds(ctx).map(
    (taxId) => html`<div class="field"><label>
      <input type="checkbox" name="tax_id_remove" value="${taxId.id}"
        ${values.remove?.includes(taxId.id) === true ? html`checked` : ""}> Remove ${taxId.value}</label></div>`,
  );
  const options = TAX_ID_TYPES.map(
    ([type, label]) => html`<option value="${type}" ${values.type === type ? html`selected` : ""}>${label}</option>`,
  );
  return html`<fieldset class="field"><legend>Tax IDs</legend>
    ${existing.length === 0 ? html`<p class="muted small">No tax ID yet.</p>` : existing}
    <div class="field">
      <label for="tax-id-type">Type of a new tax ID</label>
      <select id="tax-id-type" name="tax_id_type">${options}</select>
    </div>
    <div class="field">
      <label for="tax-id-value">New tax ID (optional)</label>
      <input type="text" id="tax-id-value" name="tax_id_value" value="${values.value ?? ""}" autocomplete="off"
        aria-invalid="${error === undefined ? "false" : "true"}" aria-describedby="tax-id-value-error">
      <div class="field-error" id="tax-id-value-error" aria-live="polite">${error ?? ""}</div>
    </div>
  </fieldset>`;
}

/** The tax ID typed (checked) and those ticked for removal; an invalid one is the field's error. */
function readTaxIds(ctx: PortalContext) {
  const raw = ctx.request.form.tax_id_remove;
  const owned = new Set(customerTaxIds(ctx).map((taxId) => taxId.id));
  const remove = (Array.isArray(raw) ? raw : [raw]).filter(
    (id): id is string => typeof id === "string" && owned.has(id),
  );
  const values: TaxIdValues = {
    type: formValue(ctx.request.form, "tax_id_type"),
    value: formValue(ctx.request.form, "tax_id_value"),
    remove,
  };
  if (values.value === "") return { values, add: null, error: undefined };
  try {
    return { values, add: checkTaxId(values.type ?? "", values.value ?? "", "tax_id"), error: undefined };
  } catch (error) {
    if (error instanceof StripeHttpError) return { values, add: null, error: error.body.message };
    throw error;
  }
}

const ADDRESS_INPUTS = [
  { key: "line1", label: "Address line 1", autocomplete: "address-line1" },
  { key: "line2", label: "Address line 2 (optional)", autocomplete: "address-line2" },
  { key: "city", label: "City", autocomplete: "address-level2" },
  { key: "state", label: "State or region (optional)", autocomplete: "address-level1" },
  { key: "postal_code", label: "Postal code", autocomplete: "postal-code" },
  { key: "country", label: "Country (two-letter code, e.g. US)", autocomplete: "country" },
] as const;
type AddressKey = (typeof ADDRESS_INPUTS)[number]["key"];
type AddressValues = Partial<Record<AddressKey, string>>;
type AddressErrors = Partial<Record<AddressKey, string>>;

function addressFields(values: AddressValues, errors: AddressErrors) {
  return html`<fieldset class="field"><legend>Billing address</legend>${ADDRESS_INPUTS.map(
    ({ key, label, autocomplete }) => {
      const error = errors[key];
      return html`<div class="field">
      <label for="address-${key}">${label}</label>
      <input type="text" id="address-${key}" name="address_${key}" value="${values[key] ?? ""}"
        autocomplete="${autocomplete}" aria-invalid="${error === undefined ? "false" : "true"}"
        aria-describedby="address-${key}-error">
      <div class="field-error" id="address-${key}-error" aria-live="polite">${error ?? ""}</div>
    </div>`;
    },
  )}</fieldset>`;
}

/** An address is all empty (none) or has a first line, a city, a postal code and a two-letter country. */
function readAddress(ctx: PortalContext): {
  values: AddressValues;
  errors: AddressErrors;
  address: Stripe.Address | null;
} {
  const values: AddressValues = {};
  for (const { key } of ADDRESS_INPUTS) values[key] = formValue(ctx.request.form, `address_${key}`).trim();
  values.country = (values.country ?? "").toUpperCase();
  const errors: AddressErrors = {};
  if (Object.values(values).every((value) => value === "")) return { values, errors, address: null };
  for (const key of ["line1", "city", "postal_code"] as const) if (values[key] === "") errors[key] = "Required";
  if (!/^[A-Z]{2}$/.test(values.country)) errors.country = "Enter a two-letter country code, such as US or GB.";
  const orNull = (value: string | undefined) => (value === undefined || value === "" ? null : value);
  return {
    values,
    errors,
    address: {
      line1: orNull(values.line1),
      line2: orNull(values.line2),
      city: orNull(values.city),
      state: orNull(values.state),
      postal_code: orNull(values.postal_code),
      country: orNull(values.country),
    },
  };
}

function addressValues(address: Stripe.Address | null): AddressValues {
  return {
    line1: address?.line1 ?? "",
    line2: address?.line2 ?? "",
    city: address?.city ?? "",
    state: address?.state ?? "",
    postal_code: address?.postal_code ?? "",
    country: address?.country ?? "",
  };
}

function customerForm(
  ctx: PortalContext,
  values: FormValues & { name?: string; address?: AddressValues; taxIds?: TaxIdValues },
  errors: FieldErrors & { name?: string; address?: AddressErrors; taxId?: string },
  status = 200,
): HostedPageResponse {
  const fields = editable(ctx);
  const nameError = errors.name;
  return portalPage(
    ctx,
    "Update information",
    html`<h1>Update information</h1>
  <form method="post" action="${ctx.base}/customer" novalidate>
    ${
      fields.name
        ? html`<div class="field">
      <label for="name">Name</label>
      <input type="text" id="name" name="name" value="${values.name ?? ""}" autocomplete="name"
        aria-invalid="${nameError === undefined ? "false" : "true"}" aria-describedby="name-error">
      <div class="field-error" id="name-error" aria-live="polite">${nameError ?? ""}</div>
    </div>`
        : ""
    }
    ${fields.email ? emailField(values, errors, false) : ""}
    ${fields.address ? addressFields(values.address ?? {}, errors.address ?? {}) : ""}
    ${fields.taxId ? taxIdFields(ctx, values.taxIds ?? {}, errors.taxId) : ""}
    <div class="actions">
      <button class="btn" type="submit">Save</button>
      <a class="btn btn-secondary" href="${backHref(ctx)}">Go back</a>
    </div>
  </form>`,
    { status },
  );
}

export function customerPage(ctx: PortalContext): HostedPageResponse {
  return customerForm(
    ctx,
    {
      name: ctx.customer.name ?? "",
      email: ctx.customer.email ?? "",
      address: addressValues(ctx.customer.address ?? null),
    },
    {},
  );
}

export function saveCustomer(ctx: PortalContext): HostedPageResponse {
  const fields = editable(ctx);
  const address = fields.address ? readAddress(ctx) : undefined;
  const taxIds = fields.taxId ? readTaxIds(ctx) : undefined;
  const values = {
    name: formValue(ctx.request.form, "name"),
    email: formValue(ctx.request.form, "email"),
    ...(address === undefined ? {} : { address: address.values }),
    ...(taxIds === undefined ? {} : { taxIds: taxIds.values }),
  };
  const errors: FieldErrors & { name?: string; address?: AddressErrors; taxId?: string } = {};
  if (taxIds?.error !== undefined) errors.taxId = taxIds.error;
  if (fields.name && values.name === "") errors.name = "Required";
  const emailError = fields.email ? validateEmail(values.email) : undefined;
  if (emailError !== undefined) errors.email = emailError;
  if (address !== undefined && Object.keys(address.errors).length > 0) errors.address = address.errors;
  if (Object.keys(errors).length > 0) return customerForm(ctx, values, errors, 400);
  updateCustomer(ctx, {
    ...(fields.name ? { name: values.name } : {}),
    ...(fields.email ? { email: values.email } : {}),
    ...(address === undefined ? {} : { address: address.address }),
  });
  for (const id of taxIds?.values.remove ?? []) removeTaxId(ctx.app, id);
  if (taxIds?.add) addTaxId(ctx.app, ctx.customer.id, taxIds.add);
  return finish(ctx, { type: "customer_update" }, "customer_updated");
}
