// POST /v1/invoices/create_preview: the invoice a subscription would produce next, optionally
// with the item changes of `subscription_details` applied (the proration preview apps show
// before a plan or seat change). Nothing is stored and no event is sent.
import type Stripe from "stripe";
import type { App } from "../app.ts";
import { balanceApplied, buildSubscriptionInvoice, type LineInput } from "../billing/invoicing.ts";
import { swapItems, withItems } from "../billing/prorations.ts";
import { periodEnd } from "../billing/subscription-items.ts";
import { cycleLines, nextPeriod, pendingProrationLines } from "../billing/subscription-lifecycle.ts";
import { invalidRequest, StripeHttpError } from "../http/errors.ts";
import { newId } from "../ids.ts";
import { reply, route, type ApiContext, type Route } from "../router.ts";
import { nowFor } from "../time.ts";
import { getOr404, idOf } from "./lookup.ts";
import { readItemChanges, validProrationDate } from "./subscription-update.ts";

const PRORATION = ["create_prorations", "none", "always_invoice"] as const;
const ENDED: readonly Stripe.Subscription.Status[] = ["canceled", "incomplete_expired"];

function noUpcomingInvoice(customerId: string): StripeHttpError {
  return new StripeHttpError(404, {
    type: "invalid_request_error",
    code: "invoice_upcoming_none",
    message: `No upcoming invoices for customer: ${customerId}`,
    doc_url: "https://docs.stripe.com/error-codes/invoice-upcoming-none",
  });
}

/** The subscription asked for, or the customer's one live subscription. */
function subscriptionFor(app: App, subscriptionId: string | undefined, customerId: string | undefined) {
  if (subscriptionId !== undefined) {
    const sub = getOr404(app.store.subscriptions, subscriptionId, "subscription", "subscription");
    if (customerId !== undefined && idOf(sub.customer) !== customerId) {
      throw invalidRequest(`The subscription ${sub.id} does not belong to customer ${customerId}.`, "subscription");
    }
    if (ENDED.includes(sub.status)) throw noUpcomingInvoice(idOf(sub.customer) ?? "");
    return sub;
  }
  if (customerId === undefined) {
    throw invalidRequest("Pass a customer or a subscription to preview its invoice.", "subscription");
  }
  getOr404(app.store.customers, customerId, "customer", "customer");
  const live = [...app.store.subscriptions.values()].filter(
    (sub) => idOf(sub.customer) === customerId && !ENDED.includes(sub.status),
  );
  if (live.length !== 1) throw noUpcomingInvoice(customerId);
  return live[0] as Stripe.Subscription;
}

function preview(ctx: ApiContext) {
  const { app } = ctx;
  const input = ctx.input.allow(["customer", "subscription", "subscription_details", "expand"]);
  const sub = subscriptionFor(app, input.string("subscription"), input.string("customer"));
  const details = input.child("subscription_details", ["items", "proration_behavior", "proration_date"]);
  const now = nowFor(app.store, idOf(sub.customer) ?? "");
  const prorationDate = validProrationDate(details?.int("proration_date"), sub, now);
  const behavior = details?.oneOf("proration_behavior", PRORATION) ?? "create_prorations";
  const changes = details === undefined ? [] : readItemChanges(app, details);
  // Ending when this period does: no next invoice, unless the preview changes something.
  if (changes.length === 0 && sub.cancel_at !== null && sub.cancel_at <= periodEnd(sub)) {
    throw noUpcomingInvoice(idOf(sub.customer) ?? "");
  }
  const swap = changes.length === 0 ? undefined : swapItems(app, sub, changes, behavior, now, prorationDate);
  const changed = swap === undefined ? sub : withItems(sub, swap.items);
  const id = newId("previewInvoice");

  // As the update itself would do: an interval change or `always_invoice` bills right away.
  const invoiceNow =
    swap !== undefined && swap.lines.length > 0 && (swap.resetCycle !== null || behavior === "always_invoice");
  let invoice: Stripe.Invoice;
  if (swap !== undefined && invoiceNow) {
    invoice = buildSubscriptionInvoice(app, {
      id,
      subscription: changed,
      reason: "subscription_update",
      lines: [...pendingProrationLines(app, sub.id), ...swap.lines],
      periodStart: now,
      periodEnd: now,
    });
  } else {
    // The next renewal: prorations waiting (and this change's), then the next period at the new items.
    const { previousStart, start, end } = nextPeriod(changed);
    const prorations: LineInput[] = [
      ...pendingProrationLines(app, sub.id),
      ...(swap !== undefined && behavior === "create_prorations" ? swap.lines : []),
    ];
    invoice = {
      ...buildSubscriptionInvoice(app, {
        id,
        subscription: changed,
        reason: "upcoming",
        lines: [...prorations, ...cycleLines(app, changed, start, end, false)],
        periodStart: previousStart,
        periodEnd: start,
        discountsAt: start,
      }),
      created: start,
      next_payment_attempt: start,
    };
  }
  const parent = invoice.parent;
  if (details !== undefined && parent?.subscription_details) {
    const subscriptionDetails = { ...parent.subscription_details, subscription_proration_date: prorationDate };
    invoice = { ...invoice, parent: { ...parent, subscription_details: subscriptionDetails } };
  }
  return reply(ctx, withBalance(app, invoice));
}

/** The customer's credit balance comes off the preview as it will off the invoice (nothing is stored). */
function withBalance(app: App, invoice: Stripe.Invoice): Stripe.Invoice {
  const balance = app.store.customers.get(idOf(invoice.customer) ?? "")?.balance ?? 0;
  const applied = balanceApplied(balance, invoice.total);
  if (applied === null) return invoice;
  return {
    ...invoice,
    starting_balance: applied.starting,
    amount_due: applied.due,
    amount_remaining: applied.due,
  };
}

export const invoicePreviewRoutes: Route[] = [route("POST", "/v1/invoices/create_preview", preview)];
