// The card form Checkout and the Portal share: its fields (ids and labels as on Stripe's hosted
// Checkout), the server-side validation behind them, and the wording of card errors.
import type { ParsedQs } from "qs";
import { luhnValid } from "../billing/cards.ts";
import { StripeHttpError } from "../http/errors.ts";
import { html, type Html } from "./html.ts";

type FieldName = "email" | "cardNumber" | "cardExpiry" | "cardCvc" | "billingName";
export type FieldErrors = Partial<Record<FieldName, string>>;
export type FormValues = Partial<Record<FieldName, string>>;

export interface ParsedCard {
  number: string;
  expMonth: number;
  expYear: number;
  name: string;
}

export function formValue(form: ParsedQs, key: string): string {
  const value = form[key];
  return typeof value === "string" ? value.trim() : "";
}

export function readValues(form: ParsedQs): FormValues {
  return {
    email: formValue(form, "email"),
    cardNumber: formValue(form, "cardNumber"),
    cardExpiry: formValue(form, "cardExpiry"),
    cardCvc: formValue(form, "cardCvc"),
    billingName: formValue(form, "billingName"),
  };
}

export function validateEmail(email: string): string | undefined {
  if (email === "") return "Your email is incomplete.";
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) ? undefined : "Your email address is invalid.";
}

function validateNumber(digits: string): string | undefined {
  if (digits === "" || !/^\d+$/.test(digits))
    return digits === "" ? "Your card number is incomplete." : "Your card number is invalid.";
  const length = /^3[47]/.test(digits) ? 15 : 16;
  if (digits.length < length) return "Your card number is incomplete.";
  return luhnValid(digits) ? undefined : "Your card number is invalid.";
}

/** Expiry is checked against the real date: a card's expiry is a real-world fact, test clock or not. */
function parseExpiry(value: string, today: Date): { month: number; year: number } | string {
  const digits = value.replace(/\D/g, "");
  if (digits.length !== 4 && digits.length !== 6) return "Your card's expiration date is incomplete.";
  const month = Number(digits.slice(0, 2));
  const year = digits.length === 4 ? 2000 + Number(digits.slice(2)) : Number(digits.slice(2));
  if (month < 1 || month > 12) return "Your card's expiration date is invalid.";
  const thisYear = today.getUTCFullYear();
  if (year < thisYear) return "Your card's expiration year is in the past.";
  if (year === thisYear && month < today.getUTCMonth() + 1) return "Your card's expiration date is in the past.";
  return { month, year };
}

export function validateCard(values: FormValues, today = new Date()): { card: ParsedCard | null; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const digits = (values.cardNumber ?? "").replace(/[\s-]/g, "");
  const numberError = validateNumber(digits);
  if (numberError !== undefined) errors.cardNumber = numberError;
  const expiry = parseExpiry(values.cardExpiry ?? "", today);
  if (typeof expiry === "string") errors.cardExpiry = expiry;
  const cvc = values.cardCvc ?? "";
  if (!/^\d+$/.test(cvc) || cvc.length < (/^3[47]/.test(digits) ? 4 : 3))
    errors.cardCvc = "Your card's security code is incomplete.";
  const name = values.billingName ?? "";
  if (name === "") errors.billingName = "Required";
  if (Object.keys(errors).length > 0 || typeof expiry === "string") return { card: null, errors };
  return { card: { number: digits, expMonth: expiry.month, expYear: expiry.year, name }, errors };
}

/** Error codes (decline codes first) in the hosted pages' words; also what redirects carry. */
const DECLINE_WORDING: Record<string, string> = {
  generic_decline: "Your card has been declined.",
  card_declined: "Your card has been declined.",
  lost_card: "Your card has been declined.",
  insufficient_funds: "Your card has insufficient funds.",
  expired_card: "Your card has expired.",
  incorrect_number: "Your card number is incorrect.",
  payment_intent_authentication_failure:
    "We are unable to authenticate your payment method. Please choose a different payment method and try again.",
  invoice_no_payment_method: "Add a payment method to pay this invoice.",
  invoice_payment_intent_requires_action: "This payment needs you to authenticate it with your bank.",
  card_in_use: "Make another card the default before removing this one.",
};

/** A decline or error code as the hosted pages word it; undefined for codes they do not know. */
export function declineWording(code: string): string | undefined {
  return Object.hasOwn(DECLINE_WORDING, code) ? DECLINE_WORDING[code] : undefined;
}

/** The code a redirect carries for an error (see declineWording). */
export function cardErrorCode(error: StripeHttpError): string {
  const decline = error.body.decline_code;
  if (decline !== undefined && declineWording(decline) !== undefined) return decline;
  return error.body.code ?? "card_declined";
}

/** Checkout words card errors differently from the API (e.g. "has been declined"). */
export function cardErrorMessage(error: StripeHttpError): string {
  return declineWording(cardErrorCode(error)) ?? error.body.message;
}

export function isCardError(error: unknown): error is StripeHttpError {
  return error instanceof StripeHttpError && error.body.type === "card_error";
}

interface FieldSpec {
  id: FieldName;
  label: string;
  autocomplete: string;
  placeholder: string;
  numeric: boolean;
}

function field(spec: FieldSpec, values: FormValues, errors: FieldErrors, attrs: Html = html``): Html {
  const error = errors[spec.id];
  return html`<div class="field">
  <label for="${spec.id}">${spec.label}</label>
  <input type="${spec.id === "email" ? "email" : "text"}" id="${spec.id}" name="${spec.id}"
    value="${values[spec.id] ?? ""}" autocomplete="${spec.autocomplete}" placeholder="${spec.placeholder}"
    ${spec.numeric ? html`inputmode="numeric"` : ""}
    aria-invalid="${error === undefined ? "false" : "true"}" aria-describedby="${spec.id}-error" ${attrs}>
  <div class="field-error" id="${spec.id}-error" aria-live="polite">${error ?? ""}</div>
</div>`;
}

export function emailField(values: FormValues, errors: FieldErrors, locked: boolean): Html {
  const spec: FieldSpec = {
    id: "email",
    label: "Email",
    autocomplete: "email",
    placeholder: "email@example.com",
    numeric: false,
  };
  return field(spec, values, errors, locked ? html`readonly` : html``);
}

/** The card fields, in the order the form shows them. */
const CARD_NUMBER: FieldSpec = {
  id: "cardNumber",
  label: "Card number",
  autocomplete: "cc-number",
  placeholder: "1234 1234 1234 1234",
  numeric: true,
};
const CARD_EXPIRY: FieldSpec = {
  id: "cardExpiry",
  label: "Expiration",
  autocomplete: "cc-exp",
  placeholder: "MM / YY",
  numeric: true,
};
const CARD_CVC: FieldSpec = {
  id: "cardCvc",
  label: "CVC",
  autocomplete: "cc-csc",
  placeholder: "CVC",
  numeric: true,
};
const BILLING_NAME: FieldSpec = {
  id: "billingName",
  label: "Cardholder name",
  autocomplete: "cc-name",
  placeholder: "Full name on card",
  numeric: false,
};

/** Card number, expiry, CVC and cardholder name. */
export function cardFields(values: FormValues, errors: FieldErrors): Html {
  return html`<fieldset>
  <legend>Card information</legend>
  ${field(CARD_NUMBER, values, errors, html`maxlength="23"`)}
  <div class="row">
    ${field(CARD_EXPIRY, values, errors, html`maxlength="9"`)}
    ${field(CARD_CVC, values, errors, html`maxlength="4"`)}
  </div>
  ${field(BILLING_NAME, values, errors)}
</fieldset>`;
}

/** The form-level error (declines, authentication failures), announced to screen readers. */
export function formError(message: string | undefined): Html {
  return message === undefined ? html`` : html`<div class="alert alert-error" role="alert">${message}</div>`;
}
