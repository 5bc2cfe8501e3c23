// Hosted Checkout's page: the order summary on the left, email and card form on the right.
import type Stripe from "stripe";
import type { App } from "../app.ts";
import { DAY, nowFor } from "../time.ts";
import { couponOf } from "../billing/discounts.ts";
import { idOf } from "../resources/lookup.ts";
import { cardFields, emailField, formError, type FieldErrors, type FormValues } from "./card-form.ts";
import { CARD_FORM_SCRIPT } from "./card-script.ts";
import { ADDRESS_SCRIPT, addressFields, linkFields, taxData, taxLine, type AddressValues } from "./checkout-address.ts";
import type { HostedPageResponse } from "./hosted-pages.ts";
import { html, safeUrl, type Html } from "./html.ts";
import { pageResponse } from "./layout.ts";
import { couponTerms, intervalLabel, longDate, money, productName } from "./format.ts";

export interface CheckoutForm {
  values: FormValues;
  errors: FieldErrors;
  /** Decline or authentication failure, shown above the button. */
  error?: string;
  /** A promotion code that could not be applied, and why. */
  promotion?: { code: string; error: string };
  /** The billing address, business and Link fields as typed. */
  address?: AddressValues;
  linkError?: string;
}

export function lockedEmail(app: App, session: Stripe.Checkout.Session): string | null {
  const customer = session.customer === null ? undefined : app.store.customers.get(idOf(session.customer) ?? "");
  return customer?.email ?? session.customer_email ?? null;
}

function trialEnd(app: App, session: Stripe.Checkout.Session): number | null {
  const data = app.store.sessionSubscriptionData.get(session.id);
  if (data === undefined) return null;
  if (data.trialEnd !== null) return data.trialEnd;
  return data.trialPeriodDays === null || data.trialPeriodDays === 0
    ? null
    : nowFor(app.store, idOf(session.customer)) + data.trialPeriodDays * DAY;
}

/** The applied code with what it takes off, or the field to type one in. */
function promotionLine(app: App, session: Stripe.Checkout.Session, form: CheckoutForm): Html {
  const currency = session.currency ?? "usd";
  const applied = session.discounts?.[0];
  if (applied !== undefined) {
    const coupon = couponOf(app, idOf(applied.coupon));
    const code =
      app.store.promotionCodes.get(idOf(applied.promotion_code) ?? "")?.code ?? coupon?.name ?? coupon?.id ?? "";
    const off = session.total_details?.amount_discount ?? 0;
    // In a trial nothing is due today: the discount comes off the first invoice after it.
    const amount = off === 0 ? html`<span class="muted small">After the trial</span>` : `−${money(off, currency)}`;
    const remove = session.allow_promotion_codes
      ? html`<form method="post" action="/c/pay/${session.id}/promotion-code" class="inline-form">
          <input type="hidden" name="intent" value="remove">
          <button class="btn-link" type="submit" aria-label="Remove promotion code ${code}">Remove</button>
        </form>`
      : "";
    return html`<li data-testid="discount"><span><b>${code}</b> ${remove}
      <br><span class="muted small">${coupon === undefined ? "" : couponTerms(coupon)}</span></span>
      <span>${amount}</span></li>`;
  }
  if (!session.allow_promotion_codes) return html``;
  const error = form.promotion?.error;
  return html`<li><form method="post" action="/c/pay/${session.id}/promotion-code" class="promo-form">
    <label for="promotionCode">Promotion code</label>
    <span class="promo-row">
      <input id="promotionCode" name="promotion_code" autocomplete="off" value="${form.promotion?.code ?? ""}"
        ${error === undefined ? "" : html`aria-invalid="true" aria-describedby="promotionCode-error"`}>
      <button class="btn btn-secondary" type="submit">Apply</button>
    </span>
    ${error === undefined ? "" : html`<span class="field-error" id="promotionCode-error" role="alert">${error}</span>`}
  </form></li>`;
}

function summary(app: App, session: Stripe.Checkout.Session, form: CheckoutForm): Html {
  const items = app.store.sessionLineItems.get(session.id) ?? [];
  const first = items[0]?.price ?? null;
  const name = first === null ? "your order" : productName(app, first);
  const currency = session.currency ?? "usd";
  const trial = session.mode === "subscription" ? trialEnd(app, session) : null;
  // The price before any code: the discount has a line of its own.
  const recurringTotal = items.reduce((sum, item) => sum + item.amount_subtotal, 0);
  const interval = first?.recurring === undefined || first.recurring === null ? "" : intervalLabel(first.recurring);
  const days = trial === null ? 0 : Math.round((trial - nowFor(app.store, idOf(session.customer))) / DAY);
  const perInterval = interval === "" ? "" : html`<small>${interval}</small>`;
  const headline =
    trial === null
      ? html`<p class="amount">${money(recurringTotal, currency)}${perInterval}</p>`
      : html`<p class="amount">${days} days free</p>
       <p class="muted">Then ${money(recurringTotal, currency)} ${interval} starting ${longDate(trial)}</p>`;
  const lines = items.map((item) => {
    const price = item.price;
    const label = price === null ? item.description : productName(app, price);
    const billed =
      price?.recurring === undefined || price.recurring === null
        ? ""
        : `Billed ${intervalLabel(price.recurring).replace("per ", "every ")}`;
    const quantity = (item.quantity ?? 1) > 1 ? html` <span class="muted">× ${item.quantity ?? 1}</span>` : "";
    const billedNote = billed === "" ? "" : html`<br><span class="muted small">${billed}</span>`;
    return html`<li><span><b>${label}</b>${quantity}
      ${billedNote}</span><span>${money(item.amount_subtotal, currency)}</span></li>`;
  });
  const verb = session.mode === "subscription" ? "Subscribe to" : "Pay for";
  const dueToday = money(session.amount_total ?? 0, currency);
  return html`<p class="muted" style="margin:0">${verb} ${name}</p>
  ${headline}
  <ul class="lines" aria-label="Order summary" ${taxData(session)}>
    ${lines}
    ${promotionLine(app, session, form)}
    ${taxLine(session)}
    <li class="total"><span>Total due today</span><span data-total-amount aria-live="polite">${dueToday}</span></li>
  </ul>`;
}

const BUTTON_LABELS: Record<string, string> = { subscription: "Subscribe", payment: "Pay", setup: "Save card" };

const TEST_CARDS =
  "Test cards: 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined, 4000 0025 0000 3155 asks for 3D Secure.";

export function checkoutPage(
  app: App,
  session: Stripe.Checkout.Session,
  form: CheckoutForm,
  status = 200,
): HostedPageResponse {
  const locked = lockedEmail(app, session);
  const values: FormValues = locked === null ? form.values : { ...form.values, email: locked };
  const back = safeUrl(session.cancel_url);
  const backLink = back === null ? "" : html`<a class="back" href="${back}"><span aria-hidden="true">←</span> Back</a>`;
  const body = html`<div class="split">
  <aside class="aside"><div class="aside-inner">
    <div class="topline">${backLink}<span class="pill">Test mode</span></div>
    <section aria-label="Order">${summary(app, session, form)}</section>
    <p class="powered">Served by the Stripe emulator · no real payment is made</p>
  </div></aside>
  <main class="main"><div class="main-inner">
    <form method="post" action="/c/pay/${session.id}" data-card-form novalidate>
      <fieldset>
        <legend>Contact information</legend>
        ${emailField(values, form.errors, locked !== null)}
      </fieldset>
      ${addressFields(session, form.address ?? {})}
      ${cardFields(values, form.errors)}
      ${linkFields(form.address ?? {}, form.linkError)}
      ${formError(form.error)}
      <button class="btn btn-block" type="submit">${BUTTON_LABELS[session.mode] ?? "Pay"}</button>
      <p class="muted small" style="margin-top:12px">${TEST_CARDS}</p>
    </form>
  </div></main>
</div>`;
  return pageResponse(status, `Checkout`, body, { script: CARD_FORM_SCRIPT + "\n" + ADDRESS_SCRIPT });
}
