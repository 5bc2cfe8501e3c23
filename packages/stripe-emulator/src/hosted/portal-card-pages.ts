// Payment methods in the portal: add a card (same form and test-card behaviour as Checkout, with
// the 3-D Secure challenge), make one the default, remove one, and "Pay now" for open invoices.
import type Stripe from "stripe";
import { requiresAuthentication } from "../billing/cards.ts";
import {
  cardErrorCode,
  cardErrorMessage,
  cardFields,
  declineWording,
  formError,
  formValue,
  isCardError,
  readValues,
  validateCard,
  type FieldErrors,
  type FormValues,
  type ParsedCard,
} from "./card-form.ts";
import { CARD_FORM_SCRIPT } from "./card-script.ts";
import { challengePage } from "./challenge-view.ts";
import { money } from "./format.ts";
import type { HostedPageResponse } from "./hosted-pages.ts";
import { html } from "./html.ts";
import { redirect } from "./layout.ts";
import { addCard, cardInUse, makeDefault, payNow, removeCard } from "./portal-actions.ts";
import { defaultCardId, type PortalContext } from "./portal-context.ts";
import { finish, isPaymentMethodFlow } from "./portal-flow.ts";
import { backHref, portalPage } from "./portal-view.ts";

const AUTHENTICATION_FAILED = "payment_intent_authentication_failure";

export function addCardPage(
  ctx: PortalContext,
  form: { values: FormValues; errors: FieldErrors; error?: string } = { values: {}, errors: {} },
  status = 200,
): HostedPageResponse {
  const becomesDefault = isPaymentMethodFlow(ctx) || defaultCardId(ctx) === null;
  return portalPage(
    ctx,
    "Add payment method",
    html`<h1>Add payment method</h1>
  ${becomesDefault ? html`<p class="muted">This card will become your default payment method.</p>` : ""}
  <form method="post" action="${ctx.base}/payment-methods/new" data-card-form novalidate>
    ${cardFields(form.values, form.errors)}
    ${formError(form.error)}
    <div class="actions">
      <button class="btn" type="submit">Add card</button>
      <a class="btn btn-secondary" href="${backHref(ctx)}">Go back</a>
    </div>
  </form>`,
    { status, script: CARD_FORM_SCRIPT },
  );
}

/** Attaches the card; a deep-linked card update (or a first card) also becomes the default. */
function saveCard(ctx: PortalContext, card: ParsedCard): HostedPageResponse {
  const becomesDefault = isPaymentMethodFlow(ctx) || defaultCardId(ctx) === null;
  let pm: Stripe.PaymentMethod;
  try {
    pm = addCard(ctx, card);
  } catch (error) {
    if (!isCardError(error)) throw error;
    return addCardPage(ctx, { values: { billingName: card.name }, errors: {}, error: cardErrorMessage(error) }, 402);
  }
  if (becomesDefault) makeDefault(ctx, pm);
  return finish(ctx, { type: "payment_method_update" }, "card_added");
}

export function submitCard(ctx: PortalContext): HostedPageResponse {
  const values = readValues(ctx.request.form);
  const { card, errors } = validateCard(values);
  if (card === null) return addCardPage(ctx, { values, errors }, 400);
  if (requiresAuthentication(card.number)) {
    const token = ctx.state.addChallenge({ kind: "portal_card", portalSessionId: ctx.session.id, card });
    return redirect(`${ctx.base}/authenticate?challenge=${token}`);
  }
  return saveCard(ctx, card);
}

export function setDefault(ctx: PortalContext, pm: Stripe.PaymentMethod): HostedPageResponse {
  makeDefault(ctx, pm);
  return redirect(`${ctx.base}?notice=default_updated`);
}

export function remove(ctx: PortalContext, pm: Stripe.PaymentMethod): HostedPageResponse {
  if (cardInUse(ctx, pm.id)) return redirect(`${ctx.base}?error=card_in_use`);
  removeCard(ctx, pm);
  return redirect(`${ctx.base}?notice=card_removed`);
}

function charge(
  ctx: PortalContext,
  invoice: Stripe.Invoice,
  pmId: string | null,
  authenticated: boolean,
): HostedPageResponse {
  try {
    payNow(ctx, invoice, pmId, authenticated);
    return redirect(`${ctx.base}?notice=invoice_paid`);
  } catch (error) {
    if (!isCardError(error)) throw error;
    if (error.body.code === "invoice_payment_intent_requires_action" && pmId !== null) {
      const token = ctx.state.addChallenge({
        kind: "portal_invoice",
        portalSessionId: ctx.session.id,
        invoiceId: invoice.id,
        paymentMethodId: pmId,
      });
      return redirect(`${ctx.base}/authenticate?challenge=${token}`);
    }
    return redirect(`${ctx.base}?error=${encodeURIComponent(cardErrorCode(error))}`);
  }
}

/** POST /invoices/:id/pay: with the card the portal shows as default. */
export function pay(ctx: PortalContext, invoice: Stripe.Invoice): HostedPageResponse {
  if (invoice.status !== "open") return redirect(ctx.base);
  return charge(ctx, invoice, defaultCardId(ctx), false);
}

/** GET|POST /authenticate?challenge=…: the 3-D Secure step for a new card or a payment. */
export function portalChallenge(ctx: PortalContext): HostedPageResponse {
  const token = ctx.request.query.get("challenge");
  const pending = ctx.request.method === "POST" ? ctx.state.takeChallenge(token) : ctx.state.challenge(token);
  if (pending === undefined || pending.kind === "checkout" || pending.portalSessionId !== ctx.session.id)
    return redirect(ctx.base);
  const invoice = pending.kind === "portal_invoice" ? ctx.app.store.invoices.get(pending.invoiceId) : undefined;
  if (ctx.request.method === "GET") {
    const last4 =
      pending.kind === "portal_card"
        ? pending.card.number.slice(-4)
        : (ctx.app.store.paymentMethods.get(pending.paymentMethodId)?.card?.last4 ?? "");
    return challengePage(
      {
        action: `${ctx.base}/authenticate?challenge=${token ?? ""}`,
        purpose:
          invoice === undefined
            ? "saving this card"
            : `a payment of ${money(invoice.amount_remaining, invoice.currency)}`,
        cardLast4: last4,
      },
      ctx.request.query.get("frame"),
    );
  }
  const completed = formValue(ctx.request.form, "outcome") === "complete";
  if (pending.kind === "portal_card") {
    if (completed) return saveCard(ctx, pending.card);
    return addCardPage(
      ctx,
      { values: { billingName: pending.card.name }, errors: {}, error: declineWording(AUTHENTICATION_FAILED) },
      402,
    );
  }
  if (invoice === undefined || invoice.status !== "open") return redirect(ctx.base);
  if (!completed) return redirect(`${ctx.base}?error=${AUTHENTICATION_FAILED}`);
  return charge(ctx, invoice, pending.paymentMethodId, true);
}
