// /v1/payment_methods: cards made from test numbers, attach (incl. Stripe's pm_card_* names), detach.
import type Stripe from "stripe";
import type { App } from "../app.ts";
import { attachOutcome, cardDetails, INCORRECT_NUMBER, luhnValid, MAGIC_PAYMENT_METHODS } from "../billing/cards.ts";
import { commitUpdate } from "../events/commit-update.ts";
import { cardError, invalidRequest } from "../http/errors.ts";
import { applyMetadata, type Params } from "../http/params.ts";
import { newId } from "../ids.ts";
import { LIST_PARAMS, paginate } from "../list.ts";
import { reply, requireParam, route, type ApiContext, type Route } from "../router.ts";
import { Store } from "../store.ts";
import { realNow } from "../time.ts";
import { getOr404, idOf, liveCustomer } from "./lookup.ts";

const TOKENS: Record<string, string> = {
  tok_visa: "4242424242424242",
  tok_mastercard: "5555555555554444",
  tok_chargeDeclined: "4000000000000002",
  tok_chargeDeclinedInsufficientFunds: "4000000000009995",
  tok_chargeCustomerFail: "4000000000000341",
};

const BILLING_DETAILS = ["name", "email", "phone", "address"] as const;

export interface CardInput {
  number: string;
  expMonth?: number;
  expYear?: number;
  billingDetails?: Partial<Stripe.PaymentMethod.BillingDetails>;
  metadata?: Record<string, string>;
}

export function createCardPaymentMethod(app: App, card: CardInput): Stripe.PaymentMethod {
  const number = card.number.replace(/\s+/g, "");
  if (!luhnValid(number)) throw cardError(INCORRECT_NUMBER);
  const pm: Stripe.PaymentMethod = {
    id: newId("paymentMethod"),
    object: "payment_method",
    allow_redisplay: "unspecified",
    billing_details: {
      address: null,
      email: card.billingDetails?.email ?? null,
      name: card.billingDetails?.name ?? null,
      phone: card.billingDetails?.phone ?? null,
      tax_id: null,
    },
    card: cardDetails(number, card.expMonth ?? 12, card.expYear ?? new Date().getUTCFullYear() + 5),
    created: realNow(),
    customer: null,
    customer_account: null,
    livemode: false,
    metadata: card.metadata ?? {},
    type: "card",
  };
  app.store.paymentMethods.set(pm.id, pm);
  app.store.cardNumbers.set(pm.id, number);
  return pm;
}

/**
 * The legacy `source=tok_visa` of a customer create: a card from a test token, attached and the
 * customer's `default_source`. (Stripe makes a `card_…` source; here it is a payment method.)
 */
export function sourceCard(app: App, token: string): Stripe.PaymentMethod {
  const number = TOKENS[token];
  if (number === undefined) throw invalidRequest(`No such token: '${token}'`, "source", "resource_missing");
  const decline = attachOutcome(number);
  if (decline !== undefined) throw cardError(decline);
  return createCardPaymentMethod(app, { number });
}

/** Throws the error `attachPaymentMethod` would, without changing anything. */
export function checkAttachable(app: App, idOrName: string, param = "payment_method"): void {
  const testNumber = MAGIC_PAYMENT_METHODS[idOrName];
  if (testNumber !== undefined) {
    const decline = attachOutcome(testNumber);
    if (decline !== undefined) throw cardError(decline);
    return;
  }
  const pm = getOr404(app.store.paymentMethods, idOrName, "PaymentMethod", param);
  if (idOf(pm.customer) !== null) {
    throw invalidRequest("The payment method you provided has already been attached to a customer.", param);
  }
  const decline = attachOutcome(app.store.cardNumbers.get(pm.id) ?? "");
  if (decline !== undefined) throw cardError(decline);
}

/** The payment method an id names, or a fresh one made from a `pm_card_*` test name. */
export function materializePaymentMethod(app: App, idOrName: string, param = "payment_method"): Stripe.PaymentMethod {
  const testNumber = MAGIC_PAYMENT_METHODS[idOrName];
  if (testNumber !== undefined) return createCardPaymentMethod(app, { number: testNumber });
  return getOr404(app.store.paymentMethods, idOrName, "PaymentMethod", param);
}

/** Attaches an existing payment method, or a fresh one made from a `pm_card_*` test name. */
export function attachPaymentMethod(
  app: App,
  idOrName: string,
  customerId: string,
  param = "payment_method",
): Stripe.PaymentMethod {
  const customer = liveCustomer(app, customerId);
  const existing = app.store.paymentMethods.get(idOrName);
  if (existing !== undefined && idOf(existing.customer) === customer.id) return existing;
  checkAttachable(app, idOrName, param);
  const pm = materializePaymentMethod(app, idOrName, param);
  const attached: Stripe.PaymentMethod = { ...pm, customer: customer.id };
  app.store.paymentMethods.set(attached.id, attached);
  app.events.emit("payment_method.attached", attached);
  return attached;
}

export function detachPaymentMethod(app: App, pm: Stripe.PaymentMethod): Stripe.PaymentMethod {
  const customerId = idOf(pm.customer);
  if (customerId === null)
    throw invalidRequest("The payment method you provided is not attached to a customer so detachment is impossible.");
  const detached: Stripe.PaymentMethod = { ...pm, customer: null };
  app.store.paymentMethods.set(detached.id, detached);
  app.events.emit("payment_method.detached", detached, { customer: customerId });
  const customer = app.store.customers.get(customerId);
  const wasDefault = idOf(customer?.invoice_settings.default_payment_method) === pm.id;
  const wasSource = idOf(customer?.default_source) === pm.id;
  if (customer !== undefined && (wasDefault || wasSource)) {
    commitUpdate(app, "customer.updated", app.store.customers, customer, {
      ...customer,
      ...(wasSource ? { default_source: null } : {}),
      invoice_settings: { ...customer.invoice_settings, ...(wasDefault ? { default_payment_method: null } : {}) },
    });
  }
  return detached;
}

function billingDetails(input: Params): Partial<Stripe.PaymentMethod.BillingDetails> | undefined {
  const details = input.child("billing_details", BILLING_DETAILS);
  if (details === undefined) return undefined;
  return {
    name: details.nullableString("name") ?? null,
    email: details.nullableString("email") ?? null,
    phone: details.nullableString("phone") ?? null,
  };
}

function create(ctx: ApiContext) {
  const input = ctx.input.allow(["type", "card", "billing_details", "metadata", "expand", "allow_redisplay"]);
  const type = input.requiredString("type");
  if (type !== "card") throw invalidRequest(`The emulator only supports card payment methods, not ${type}.`, "type");
  const card = input.child("card", ["number", "exp_month", "exp_year", "cvc", "token"]);
  if (card === undefined) throw invalidRequest("Missing required param: card.", "card", "parameter_missing");
  const token = card.string("token");
  const number = token === undefined ? card.requiredString("number") : TOKENS[token];
  if (number === undefined) throw invalidRequest(`No such token: '${token ?? ""}'`, "card[token]", "resource_missing");
  const pm = createCardPaymentMethod(ctx.app, {
    number,
    expMonth: card.int("exp_month"),
    expYear: card.int("exp_year"),
    billingDetails: billingDetails(input),
    metadata: applyMetadata(null, input.metadata()),
  });
  return reply(ctx, pm);
}

function update(ctx: ApiContext) {
  const input = ctx.input.allow(["billing_details", "metadata", "expand", "allow_redisplay"]);
  const pm = getOr404(ctx.app.store.paymentMethods, requireParam(ctx, "id"), "PaymentMethod");
  const details = billingDetails(input);
  const next: Stripe.PaymentMethod = {
    ...pm,
    billing_details: { ...pm.billing_details, ...details },
    metadata: applyMetadata(pm.metadata, input.metadata()),
  };
  ctx.app.store.paymentMethods.set(next.id, next);
  ctx.app.events.emit("payment_method.updated", next);
  return reply(ctx, next);
}

function list(ctx: ApiContext) {
  const input = ctx.input.allow([...LIST_PARAMS, "customer", "type"]);
  const customer = input.string("customer");
  const type = input.string("type");
  const items = Store.newestFirst(ctx.app.store.paymentMethods).filter(
    (pm) => (customer === undefined || idOf(pm.customer) === customer) && (type === undefined || pm.type === type),
  );
  return reply(ctx, paginate(items, input, "/v1/payment_methods"));
}

/** GET /v1/customers/:id/payment_methods: the customer's, newest first (404 for an unknown customer). */
function listForCustomer(ctx: ApiContext) {
  const input = ctx.input.allow([...LIST_PARAMS, "type", "allow_redisplay"]);
  const customer = getOr404(ctx.app.store.customers, requireParam(ctx, "id"), "customer").id;
  const type = input.string("type");
  const items = Store.newestFirst(ctx.app.store.paymentMethods).filter(
    (pm) => idOf(pm.customer) === customer && (type === undefined || pm.type === type),
  );
  return reply(ctx, paginate(items, input, `/v1/customers/${customer}/payment_methods`));
}

export const paymentMethodRoutes: Route[] = [
  route("GET", "/v1/customers/:id/payment_methods", listForCustomer),
  route("POST", "/v1/payment_methods", create),
  route("GET", "/v1/payment_methods", list),
  route("GET", "/v1/payment_methods/:id", (ctx) => {
    ctx.input.allow(["expand"]);
    return reply(ctx, getOr404(ctx.app.store.paymentMethods, requireParam(ctx, "id"), "PaymentMethod"));
  }),
  route("POST", "/v1/payment_methods/:id", update),
  route("POST", "/v1/payment_methods/:id/attach", (ctx) => {
    const input = ctx.input.allow(["customer", "expand"]);
    const customer = input.requiredString("customer");
    return reply(ctx, attachPaymentMethod(ctx.app, requireParam(ctx, "id"), customer, "id"));
  }),
  route("POST", "/v1/payment_methods/:id/detach", (ctx) => {
    ctx.input.allow(["expand"]);
    const pm = getOr404(ctx.app.store.paymentMethods, requireParam(ctx, "id"), "PaymentMethod");
    return reply(ctx, detachPaymentMethod(ctx.app, pm));
  }),
];
