// Hosted Checkout (/c/pay/:id): the form, its submission through part 1's completion operation,
// the 3-D Secure challenge, and clear pages for sessions that are complete or expired.
import type Stripe from "stripe";
import type { App } from "../app.ts";
import { completeCheckoutSession, type CompletionInput } from "../billing/checkout-completion.ts";
import { sessionTrialing, withDiscounts } from "../billing/checkout-session-factory.ts";
import { redeemableCode, type DiscountRequest } from "../billing/discounts.ts";
import { StripeHttpError } from "../http/errors.ts";
import { idOf } from "../resources/lookup.ts";
import { nowFor } from "../time.ts";
import {
  cardErrorMessage,
  formValue,
  isCardError,
  readValues,
  validateCard,
  validateEmail,
  type FormValues,
  type ParsedCard,
} from "./card-form.ts";
import { challengePage } from "./challenge-view.ts";
import { addressInput, linkError, readAddressValues, type AddressValues } from "./checkout-address.ts";
import { checkoutPage, lockedEmail } from "./checkout-view.ts";
import { money } from "./format.ts";
import type { HostedPageRequest, HostedPageResponse } from "./hosted-pages.ts";
import type { HostedState } from "./hosted-state.ts";
import { safeUrl } from "./html.ts";
import { messagePage, notFoundPage, redirect } from "./layout.ts";

/** Errors about a field of the form, shown on the form rather than on a page of their own. */
const FIELD_PARAMS = /^(address|business_name|tax_id|discounts)/;

function withSessionId(url: string | null | undefined, id: string): string | null {
  return safeUrl(url?.replaceAll("{CHECKOUT_SESSION_ID}", id));
}

function closedPage(app: App, session: Stripe.Checkout.Session): HostedPageResponse | undefined {
  if (session.status === "complete") {
    const next = withSessionId(session.success_url ?? session.return_url, session.id);
    return messagePage(
      200,
      "This checkout is already complete",
      "The payment went through and nothing else is needed here.",
      next === null ? undefined : { href: next, label: "Continue" },
    );
  }
  if (session.status === "expired" || session.expires_at <= nowFor(app.store, idOf(session.customer))) {
    const back = safeUrl(session.cancel_url);
    return messagePage(
      410,
      "This checkout session has expired",
      "The link is no longer valid. Go back to the site and start the checkout again.",
      back === null ? undefined : { href: back, label: "Back" },
    );
  }
  return undefined;
}

function complete(
  app: App,
  session: Stripe.Checkout.Session,
  card: ParsedCard,
  email: string | null,
  authentication: "succeed" | "fail" | "none",
  collected: Pick<CompletionInput, "address" | "business">,
): HostedPageResponse {
  const completed = completeCheckoutSession(app, session, {
    ...collected,
    cardNumber: card.number,
    expMonth: card.expMonth,
    expYear: card.expYear,
    name: card.name,
    authentication,
    ...(email === null ? {} : { email }),
  });
  return redirect(
    withSessionId(completed.success_url ?? completed.return_url, completed.id) ?? `/c/pay/${completed.id}`,
  );
}

/** Declines re-render the form with Checkout's wording; 3-D Secure cards go to the challenge. */
function failure(
  app: App,
  state: HostedState,
  session: Stripe.Checkout.Session,
  error: unknown,
  values: FormValues,
  card: ParsedCard,
  email: string | null,
  address: AddressValues,
): HostedPageResponse {
  const collected = addressInput(session, address);
  if (isCardError(error) && error.body.code === "authentication_required") {
    const token = state.addChallenge({ kind: "checkout", sessionId: session.id, card, email, collected });
    return redirect(`/c/pay/${session.id}/authenticate?challenge=${token}`);
  }
  const current = app.store.checkoutSessions.get(session.id) ?? session;
  if (isCardError(error))
    return checkoutPage(app, current, { values, errors: {}, error: cardErrorMessage(error), address }, 402);
  // A field the completion refused (the address, the tax ID): the form again, saying which.
  if (error instanceof StripeHttpError && FIELD_PARAMS.test(error.body.param ?? "")) {
    return checkoutPage(app, current, { values, errors: {}, error: error.body.message, address }, 400);
  }
  if (error instanceof StripeHttpError) {
    return closedPage(app, current) ?? messagePage(400, "Checkout could not be completed", error.body.message);
  }
  throw error;
}

function submit(
  app: App,
  state: HostedState,
  session: Stripe.Checkout.Session,
  request: HostedPageRequest,
): HostedPageResponse {
  const values = readValues(request.form);
  const locked = lockedEmail(app, session);
  const { card, errors } = validateCard(values);
  const emailError = locked === null ? validateEmail(values.email ?? "") : undefined;
  if (emailError !== undefined) errors.email = emailError;
  const address = readAddressValues(request.form);
  const phoneError = linkError(address);
  if (card === null || emailError !== undefined || phoneError !== undefined) {
    return checkoutPage(
      app,
      session,
      { values, errors, address, ...(phoneError ? { linkError: phoneError } : {}) },
      400,
    );
  }
  const email = locked ?? values.email ?? null;
  try {
    return complete(app, session, card, email, "none", addressInput(session, address));
  } catch (error) {
    return failure(app, state, session, error, values, card, email, address);
  }
}

function authenticate(
  app: App,
  state: HostedState,
  session: Stripe.Checkout.Session,
  request: HostedPageRequest,
): HostedPageResponse {
  const token = request.query.get("challenge");
  const pending = request.method === "POST" ? state.takeChallenge(token) : state.challenge(token);
  if (pending?.kind !== "checkout" || pending.sessionId !== session.id) return redirect(`/c/pay/${session.id}`);
  if (request.method === "GET") {
    return challengePage(
      {
        action: `/c/pay/${session.id}/authenticate?challenge=${token ?? ""}`,
        purpose: `a payment of ${money(session.amount_total ?? 0, session.currency ?? "usd")}`,
        cardLast4: pending.card.number.slice(-4),
      },
      request.query.get("frame"),
    );
  }
  const outcome = formValue(request.form, "outcome") === "complete" ? "succeed" : "fail";
  try {
    return complete(app, session, pending.card, pending.email, outcome, pending.collected);
  } catch (error) {
    return failure(
      app,
      state,
      session,
      error,
      { email: pending.email ?? "", billingName: pending.card.name },
      pending.card,
      pending.email,
      {},
    );
  }
}

/** Applies (or removes) a promotion code and shows the form again with the new totals. */
function promotionCode(app: App, session: Stripe.Checkout.Session, request: HostedPageRequest): HostedPageResponse {
  if (!session.allow_promotion_codes) return messagePage(400, "Promotion codes are not accepted here", "");
  const code = formValue(request.form, "promotion_code");
  let requests: DiscountRequest[] = [];
  if (formValue(request.form, "intent") !== "remove") {
    const lineItems = app.store.sessionLineItems.get(session.id) ?? [];
    try {
      requests = [
        redeemableCode(app, code, {
          customerId: idOf(session.customer),
          amount: lineItems.reduce((sum, item) => sum + item.amount_subtotal, 0),
          currency: session.currency ?? "usd",
        }),
      ];
    } catch (error) {
      if (!(error instanceof StripeHttpError)) throw error;
      return checkoutPage(
        app,
        session,
        { values: {}, errors: {}, promotion: { code, error: error.body.message } },
        400,
      );
    }
  }
  const data = app.store.sessionSubscriptionData.get(session.id);
  const trialing = sessionTrialing(data);
  const priced = withDiscounts(session, app.store.sessionLineItems.get(session.id) ?? [], requests, trialing);
  app.store.checkoutSessions.set(session.id, priced.session);
  app.store.sessionLineItems.set(session.id, priced.lineItems);
  return redirect(`/c/pay/${session.id}`);
}

export function checkoutPages(request: HostedPageRequest, state: HostedState): HostedPageResponse {
  const { app, method, path } = request;
  const session = app.store.checkoutSessions.get(request.id);
  if (session === undefined) return notFoundPage("Checkout session");
  const closed = closedPage(app, session);
  if (closed !== undefined) return closed;
  if (path === "" && method === "GET") return checkoutPage(app, session, { values: {}, errors: {} });
  if (path === "" && method === "POST") return submit(app, state, session, request);
  if (path === "/promotion-code" && method === "POST") return promotionCode(app, session, request);
  if (path === "/authenticate" && (method === "GET" || method === "POST"))
    return authenticate(app, state, session, request);
  return notFoundPage("Page");
}
