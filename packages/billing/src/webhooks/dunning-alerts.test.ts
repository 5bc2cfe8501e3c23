// The alerts applyDunning writes, word for word, from hand-made events and invoices: the texts
// users read, the keys that keep a replay from repeating them, and the events that add none.
import { createUser } from "@saas/db/factories";
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NOTIFICATION_KINDS } from "../notifications/notifications.ts";
import { createMappedSubscriber, startBillingHarness, type BillingHarness } from "../testing.ts";
import { applyDunning, readDunningInvoices } from "./dunning.ts";

let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness();
});
afterAll(() => h.close());

const JAN_15_2027 = Date.UTC(2027, 0, 15) / 1000;
/** A subscription always has its items list (the trial email names the plan from it). */
const NO_ITEMS = { object: "list", data: [] };

const eventOf = (type: string, object: Record<string, unknown>, id = `evt_${type}_${String(object.id)}`) =>
  ({ id, object: "event", type, created: 1, livemode: false, data: { object } }) as unknown as Stripe.Event;

const invoiceOf = (fields: Partial<Stripe.Invoice> & { id: string }) =>
  ({
    object: "invoice",
    status: "open",
    amount_due: 1_900,
    currency: "usd",
    attempt_count: 1,
    next_payment_attempt: null,
    hosted_invoice_url: null,
    ...fields,
  }) as Stripe.Invoice;

async function apply(organizationId: string, event: Stripe.Event, invoices: Stripe.Invoice[] = []) {
  const byId = new Map(invoices.map((invoice) => [invoice.id ?? "", invoice]));
  await h.db.$transaction((tx) => applyDunning(tx, event, organizationId, byId));
}

// What the user, owner of their personal organization, reads.
const alertsOf = (userId: string) =>
  h.db.notification.findMany({
    where: { userId },
    orderBy: { createdAt: "asc" },
    select: { kind: true, title: true, body: true, actionUrl: true, dedupeKey: true, resolvedAt: true },
  });

describe("invoice.payment_failed", () => {
  it("says how much could not be charged and when Stripe tries again, once however often it is applied", async () => {
    const user = await createUser(h.db);
    const invoice = invoiceOf({
      id: "in_failed_eur",
      amount_due: 1_234,
      currency: "eur",
      attempt_count: 2,
      next_payment_attempt: JAN_15_2027,
      hosted_invoice_url: "https://invoice.example/in_failed_eur",
    });
    const event = eventOf("invoice.payment_failed", { id: invoice.id, object: "invoice" });
    await apply(user.organization.id, event, [invoice]);
    await apply(user.organization.id, event, [invoice]);
    expect(await alertsOf(user.id)).toEqual([
      {
        kind: NOTIFICATION_KINDS.paymentFailed,
        title: "Payment failed",
        body:
          "We couldn't charge €12.34 for your subscription. We'll try again on January 15, 2027. " +
          "Update your payment method to keep access.",
        actionUrl: "https://invoice.example/in_failed_eur",
        dedupeKey: "invoice:in_failed_eur:attempt:2",
        resolvedAt: null,
      },
    ]);
  });

  it("leaves out the retry when Stripe plans none", async () => {
    const user = await createUser(h.db);
    const invoice = invoiceOf({ id: "in_failed_last" });
    await apply(user.organization.id, eventOf("invoice.payment_failed", { id: invoice.id }), [invoice]);
    expect(await alertsOf(user.id)).toMatchObject([
      {
        body: "We couldn't charge $19.00 for your subscription. Update your payment method to keep access.",
        actionUrl: null,
        dedupeKey: "invoice:in_failed_last:attempt:1",
      },
    ]);
  });

  it.each(["paid", "void"] as const)("adds nothing when the invoice is %s by now", async (status) => {
    const user = await createUser(h.db);
    const invoice = invoiceOf({ id: `in_failed_then_${status}`, status });
    await apply(user.organization.id, eventOf("invoice.payment_failed", { id: invoice.id }), [invoice]);
    expect(await alertsOf(user.id)).toEqual([]);
  });

  it("refuses to apply an event whose invoice was not read first", async () => {
    const user = await createUser(h.db);
    await expect(
      apply(user.organization.id, eventOf("invoice.payment_failed", { id: "in_unread" }, "evt_unread")),
    ).rejects.toThrow("invoice in_unread was not read before applying evt_unread");
    expect(await alertsOf(user.id)).toEqual([]);
  });
});

describe("invoice.payment_action_required", () => {
  it("asks the user to confirm the payment, once", async () => {
    const user = await createUser(h.db);
    const invoice = invoiceOf({
      id: "in_action",
      amount_due: 4_900,
      hosted_invoice_url: "https://invoice.example/in_action",
    });
    const event = eventOf("invoice.payment_action_required", { id: invoice.id });
    await apply(user.organization.id, event, [invoice]);
    await apply(user.organization.id, event, [invoice]);
    expect(await alertsOf(user.id)).toEqual([
      {
        kind: NOTIFICATION_KINDS.paymentActionRequired,
        title: "Confirm your payment",
        body: "Your bank asks you to confirm the payment of $49.00.",
        actionUrl: "https://invoice.example/in_action",
        dedupeKey: "invoice:in_action:action_required",
        resolvedAt: null,
      },
    ]);
  });
});

describe.each(["invoice.paid", "invoice.payment_succeeded"])("%s", (type) => {
  it("resolves this invoice's alerts only, and says the payment was received, once", async () => {
    const user = await createUser(h.db);
    const paid = invoiceOf({ id: `in_paid_${type}` });
    const other = invoiceOf({ id: `in_other_${type}` });
    await apply(user.organization.id, eventOf("invoice.payment_failed", { id: paid.id }), [paid]);
    await apply(user.organization.id, eventOf("invoice.payment_action_required", { id: paid.id }), [paid]);
    await apply(user.organization.id, eventOf("invoice.payment_failed", { id: other.id }), [other]);

    await apply(user.organization.id, eventOf(type, { id: paid.id, object: "invoice" }));
    const resolved = await alertsOf(user.id);
    // A second delivery finds nothing open: the first resolution and the one recovery stay as they are.
    await apply(user.organization.id, eventOf(type, { id: paid.id, object: "invoice" }, `evt_again_${type}`));
    expect(await alertsOf(user.id)).toEqual(resolved);

    expect(resolved.map((alert) => [alert.dedupeKey, alert.resolvedAt !== null])).toEqual([
      [`invoice:${paid.id}:attempt:1`, true],
      [`invoice:${paid.id}:action_required`, true],
      [`invoice:${other.id}:attempt:1`, false],
      [`invoice:${paid.id}:recovered`, false],
    ]);
    expect(resolved[3]).toEqual({
      kind: NOTIFICATION_KINDS.paymentRecovered,
      title: "Payment received",
      body: "Thanks! Your payment went through and your subscription is active again.",
      actionUrl: null,
      dedupeKey: `invoice:${paid.id}:recovered`,
      resolvedAt: null,
    });
  });

  it("adds nothing when no alert of the invoice is open", async () => {
    const user = await createUser(h.db);
    await apply(user.organization.id, eventOf(type, { id: `in_never_failed_${type}`, object: "invoice" }));
    expect(await alertsOf(user.id)).toEqual([]);
  });
});

describe("customer.subscription.trial_will_end", () => {
  it("says the day the trial ends, keyed by that day", async () => {
    const user = await createUser(h.db);
    const event = eventOf("customer.subscription.trial_will_end", {
      id: "sub_trial",
      trial_end: JAN_15_2027,
      items: NO_ITEMS,
    });
    await apply(user.organization.id, event);
    await apply(user.organization.id, event);
    expect(await alertsOf(user.id)).toEqual([
      {
        kind: NOTIFICATION_KINDS.trialWillEnd,
        title: "Your trial ends soon",
        body: "Your free trial ends on January 15, 2027. Your card will be charged then unless you cancel.",
        actionUrl: null,
        dedupeKey: `subscription:sub_trial:trial_will_end:${JAN_15_2027}`,
        resolvedAt: null,
      },
    ]);
  });

  it("says soon when the subscription names no end", async () => {
    const user = await createUser(h.db);
    await apply(
      user.organization.id,
      eventOf("customer.subscription.trial_will_end", { id: "sub_trial_open", trial_end: null, items: NO_ITEMS }),
    );
    expect(await alertsOf(user.id)).toMatchObject([
      {
        body: "Your free trial ends soon. Your card will be charged then unless you cancel.",
        dedupeKey: "subscription:sub_trial_open:trial_will_end:",
      },
    ]);
  });
});

describe("readDunningInvoices", () => {
  it("reads each invoice a failure or a confirmation is about, once, and no other", async () => {
    const invoiceOfNewSubscriber = async (name: string) => {
      const { customer } = await createMappedSubscriber(h, { name, unitAmount: 1_100 });
      const [invoice] = (await h.stripe.invoices.list({ customer: customer.id })).data;
      if (!invoice?.id) throw new Error("the subscription made no invoice");
      return { ...invoice, id: invoice.id };
    };
    const failed = await invoiceOfNewSubscriber("Failed plan");
    const confirmed = await invoiceOfNewSubscriber("Confirmed plan");
    const events = [
      eventOf("invoice.payment_failed", { id: failed.id }, "evt_read_1"),
      eventOf("invoice.payment_action_required", { id: confirmed.id }, "evt_read_2"),
      eventOf("invoice.payment_failed", { id: failed.id }, "evt_read_3"),
      eventOf("invoice.paid", { id: "in_not_read" }),
      eventOf("customer.subscription.updated", { id: "sub_not_read" }),
    ];
    const read = await readDunningInvoices(h.stripe, events);
    expect([...read.keys()]).toEqual([failed.id, confirmed.id]);
    expect(read.get(failed.id)).toMatchObject({ id: failed.id, customer: failed.customer });
    expect(read.get(confirmed.id)).toMatchObject({ id: confirmed.id, customer: confirmed.customer });
  });
});
