// Stripe's test cards: what happens on attach, on an on-session payment and on an off-session charge.
import type Stripe from "stripe";
import { createHash } from "node:crypto";
import type { CardDecline } from "../http/errors.ts";

export type ChargeOutcome =
  { kind: "succeeded" } | { kind: "declined"; decline: CardDecline } | { kind: "requires_action" };

interface CardBehaviour {
  /** Declined when attached to a customer (Stripe validates the card then). */
  attach?: CardDecline;
  /** Declined on every charge, on or off session. */
  charge?: CardDecline;
  /** 3-D Secure is requested when the customer is present (Checkout, first invoice). */
  authenticateOnSession?: boolean;
  /** 3-D Secure on every payment, off session too (4000000000003220, 4000002760003184). */
  authenticateAlways?: boolean;
}

const GENERIC_DECLINE: CardDecline = {
  code: "card_declined",
  declineCode: "generic_decline",
  message: "Your card was declined.",
};
const INSUFFICIENT_FUNDS: CardDecline = {
  code: "card_declined",
  declineCode: "insufficient_funds",
  message: "Your card has insufficient funds.",
};

const BEHAVIOURS: Record<string, CardBehaviour> = {
  "4000000000000002": { attach: GENERIC_DECLINE, charge: GENERIC_DECLINE },
  "4000000000009995": { attach: INSUFFICIENT_FUNDS, charge: INSUFFICIENT_FUNDS },
  "4000000000009987": {
    attach: { code: "card_declined", declineCode: "lost_card", message: "Your card was declined." },
    charge: { code: "card_declined", declineCode: "lost_card", message: "Your card was declined." },
  },
  "4000000000000069": {
    attach: { code: "expired_card", declineCode: "expired_card", message: "Your card has expired." },
    charge: { code: "expired_card", declineCode: "expired_card", message: "Your card has expired." },
  },
  "4000000000000341": { charge: GENERIC_DECLINE },
  "4000002500003155": { authenticateOnSession: true },
  "4000000000003220": { authenticateOnSession: true, authenticateAlways: true },
  "4000002760003184": { authenticateOnSession: true, authenticateAlways: true },
};

/** Stripe's named test payment methods, which `attach` turns into a fresh payment method. */
export const MAGIC_PAYMENT_METHODS: Record<string, string> = {
  pm_card_visa: "4242424242424242",
  pm_card_mastercard: "5555555555554444",
  pm_card_amex: "378282246310005",
  pm_card_chargeCustomerFail: "4000000000000341",
  pm_card_visa_chargeDeclined: "4000000000000002",
  pm_card_visa_chargeDeclinedInsufficientFunds: "4000000000009995",
  pm_card_chargeDeclinedExpiredCard: "4000000000000069",
  pm_card_authenticationRequired: "4000002760003184",
  pm_card_threeDSecure2Required: "4000000000003220",
  pm_card_authenticationRequiredOnSetup: "4000002500003155",
};

export function luhnValid(number: string): boolean {
  if (!/^\d{12,19}$/.test(number)) return false;
  let sum = 0;
  for (let index = 0; index < number.length; index += 1) {
    let digit = Number(number[number.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

export const INCORRECT_NUMBER: CardDecline = {
  code: "incorrect_number",
  message: "Your card number is incorrect.",
};

export function attachOutcome(number: string): CardDecline | undefined {
  return BEHAVIOURS[number]?.attach;
}

/** `authenticated`: the customer has just passed the challenge for this payment. */
export function chargeOutcome(number: string | undefined, onSession: boolean, authenticated = false): ChargeOutcome {
  if (number === undefined) return { kind: "succeeded" };
  const behaviour = BEHAVIOURS[number];
  if (behaviour?.charge !== undefined) return { kind: "declined", decline: behaviour.charge };
  if (behaviour?.authenticateAlways === true && !authenticated) return { kind: "requires_action" };
  if (onSession && behaviour?.authenticateOnSession === true) return { kind: "requires_action" };
  return { kind: "succeeded" };
}

/** Cards that ask for 3-D Secure whenever the customer is present, including when saved for later. */
export function requiresAuthentication(number: string): boolean {
  return BEHAVIOURS[number]?.authenticateOnSession === true;
}

function brandOf(number: string): string {
  if (number.startsWith("4")) return "visa";
  if (/^(5[1-5]|2[2-7])/.test(number)) return "mastercard";
  if (/^3[47]/.test(number)) return "amex";
  if (/^6(011|5)/.test(number)) return "discover";
  return "unknown";
}

export function cardDetails(number: string, expMonth: number, expYear: number): Stripe.PaymentMethod.Card {
  const brand = brandOf(number);
  return {
    brand,
    checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: "pass" },
    country: "US",
    display_brand: brand,
    exp_month: expMonth,
    exp_year: expYear,
    fingerprint: createHash("sha256").update(number).digest("base64url").slice(0, 16),
    funding: "credit",
    generated_from: null,
    last4: number.slice(-4),
    networks: { available: [brand], preferred: null },
    regulated_status: "unregulated",
    three_d_secure_usage: { supported: true },
    wallet: null,
  };
}
