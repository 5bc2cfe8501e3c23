// Stripe-looking identifiers. Ids only need to be unique and recognisable by prefix.
import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

export function randomToken(length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length];
  return out;
}

/** Prefixes Stripe uses, so expand and error messages can find a collection from an id alone. */
const ID_PREFIX = {
  customer: "cus_",
  subscription: "sub_",
  subscriptionItem: "si_",
  invoice: "in_",
  previewInvoice: "upcoming_in_",
  invoiceLine: "il_",
  invoiceItem: "ii_",
  paymentMethod: "pm_",
  product: "prod_",
  price: "price_",
  checkoutSession: "cs_test_",
  checkoutLineItem: "li_",
  portalSession: "bps_",
  portalConfiguration: "bpc_",
  event: "evt_",
  webhookEndpoint: "we_",
  testClock: "clock_",
  promotionCode: "promo_",
  discount: "di_",
  taxRate: "txr_",
  taxId: "txi_",
  subscriptionSchedule: "sub_sched_",
  request: "req_",
} as const;

export type IdKind = keyof typeof ID_PREFIX;

export function newId(kind: IdKind): string {
  // Stripe's customer ids are short; most others carry a "1" plus 24 characters.
  if (kind === "customer") return ID_PREFIX.customer + randomToken(14);
  if (kind === "checkoutSession") return ID_PREFIX.checkoutSession + "a1" + randomToken(56);
  if (kind === "request") return ID_PREFIX.request + randomToken(14);
  return ID_PREFIX[kind] + "1" + randomToken(23);
}

export function newWebhookSecret(): string {
  return "whsec_" + randomToken(32);
}
