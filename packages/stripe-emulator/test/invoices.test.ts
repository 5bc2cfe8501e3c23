// Invoices made by hand, through the SDK: invoice items, drafts that change with them, finalize,
// send, pay, mark uncollectible, delete; and the trial reminder Stripe sends at once.
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPlan, eventTypes, startHarness, type Harness } from "./helpers.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.emulator.stop();
});

const objectIs = (id: string) => (event: Stripe.Event) => (event.data.object as { id?: string }).id === id;

describe("invoice items and hand-made invoices", () => {
  it("puts pending items on a new draft, follows their changes, finalizes and pays it", async () => {
    const customer = await h.stripe.customers.create({ email: "items@example.com" });
    const pm = await h.stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
    const first = await h.stripe.invoiceItems.create({ customer: customer.id, amount: 2_000, currency: "usd" });
    const { price } = await createPlan(h.stripe, 700);
    const oneTime = await h.stripe.prices.create({
      product: price.product as string,
      currency: "usd",
      unit_amount: 300,
    });
    const second = await h.stripe.invoiceItems.create({
      customer: customer.id,
      pricing: { price: oneTime.id },
      quantity: 2,
      description: "Setup",
    });
    expect(first).toMatchObject({ object: "invoiceitem", amount: 2_000, invoice: null, discountable: true });
    expect(second).toMatchObject({ amount: 600, quantity: 2, pricing: { price_details: { price: oneTime.id } } });
    expect((await h.stripe.invoiceItems.list({ customer: customer.id, pending: true })).data).toHaveLength(2);

    const draft = await h.stripe.invoices.create({
      customer: customer.id,
      pending_invoice_items_behavior: "include",
      description: "By hand",
    });
    expect(draft).toMatchObject({ status: "draft", total: 2_600, billing_reason: "manual", parent: null });
    expect(draft.lines.data.map((line) => line.parent?.invoice_item_details?.invoice_item).sort()).toEqual(
      [first.id, second.id].sort(),
    );
    expect((await h.stripe.invoiceItems.list({ customer: customer.id, pending: true })).data).toEqual([]);

    await h.stripe.invoiceItems.update(second.id, { quantity: 3 });
    await h.stripe.invoiceItems.del(first.id);
    await h.stripe.invoiceItems.create({ customer: customer.id, invoice: draft.id, amount: -100, currency: "usd" });
    const changed = await h.stripe.invoices.retrieve(draft.id);
    expect(changed.total).toBe(900 - 100);

    const open = await h.stripe.invoices.finalizeInvoice(draft.id);
    expect(open).toMatchObject({ status: "open", amount_due: 800 });
    expect(open.number).toMatch(/-0001$/);
    await expect(
      h.stripe.invoiceItems.create({ customer: customer.id, invoice: draft.id, amount: 100, currency: "usd" }),
    ).rejects.toMatchObject({ statusCode: 400, code: "invoice_not_editable" });
    await expect(
      h.stripe.invoices.update(draft.id, { collection_method: "send_invoice", days_until_due: 7 }),
    ).rejects.toMatchObject({ statusCode: 400 });
    expect((await h.stripe.invoices.update(draft.id, { description: "Set after finalizing" })).description).toBe(
      "Set after finalizing",
    );
    expect((await h.stripe.invoices.update(draft.id, { metadata: { k: "v" } })).metadata).toEqual({ k: "v" });

    const paid = await h.stripe.invoices.pay(draft.id, { payment_method: pm.id });
    expect(paid).toMatchObject({ status: "paid", amount_paid: 800 });
    expect(await eventTypes(h.stripe, objectIs(draft.id))).toEqual([
      "invoice.created",
      "invoice.finalized",
      "invoice.updated",
      "invoice.updated",
      "invoice.paid",
      "invoice.payment_succeeded",
    ]);
    expect(await eventTypes(h.stripe, objectIs(first.id))).toEqual(["invoiceitem.created", "invoiceitem.deleted"]);
  });

  it("sends a send_invoice invoice with its due date, and marks it uncollectible", async () => {
    const customer = await h.stripe.customers.create({ email: "send@example.com" });
    await expect(
      h.stripe.invoices.create({ customer: customer.id, collection_method: "send_invoice" }),
    ).rejects.toMatchObject({ statusCode: 400, param: "days_until_due" });
    await expect(h.stripe.invoices.create({ customer: customer.id, days_until_due: 30 })).rejects.toMatchObject({
      statusCode: 400,
    });
    const draft = await h.stripe.invoices.create({
      customer: customer.id,
      collection_method: "send_invoice",
      days_until_due: 30,
    });
    await h.stripe.invoiceItems.create({ customer: customer.id, invoice: draft.id, amount: 5_000, currency: "usd" });
    expect(draft.due_date).toBe(draft.created + 30 * 86_400);
    const sent = await h.stripe.invoices.sendInvoice(draft.id);
    expect(sent).toMatchObject({ status: "open", amount_due: 5_000, collection_method: "send_invoice" });
    const marked = await h.stripe.invoices.markUncollectible(draft.id);
    expect(marked.status).toBe("uncollectible");
    expect(marked.status_transitions.marked_uncollectible_at).not.toBeNull();
    await expect(h.stripe.invoices.markUncollectible(draft.id)).rejects.toMatchObject({ statusCode: 400 });
    expect(await eventTypes(h.stripe, objectIs(draft.id))).toEqual([
      "invoice.created",
      "invoice.finalized",
      "invoice.sent",
      "invoice.marked_uncollectible",
    ]);
    const charged = await h.stripe.invoices.create({ customer: customer.id });
    await expect(h.stripe.invoices.sendInvoice(charged.id)).rejects.toMatchObject({ statusCode: 400 });
  });

  it("deletes a draft (its items become pending again) but not a finalized invoice", async () => {
    const customer = await h.stripe.customers.create({ email: "delete@example.com" });
    const item = await h.stripe.invoiceItems.create({ customer: customer.id, amount: 1_000, currency: "usd" });
    const draft = await h.stripe.invoices.create({ customer: customer.id, pending_invoice_items_behavior: "include" });
    expect(await h.stripe.invoices.del(draft.id)).toMatchObject({ id: draft.id, deleted: true });
    await expect(h.stripe.invoices.retrieve(draft.id)).rejects.toMatchObject({ statusCode: 404 });
    expect((await h.stripe.invoiceItems.retrieve(item.id)).invoice).toBeNull();
    const other = await h.stripe.invoices.create({ customer: customer.id, pending_invoice_items_behavior: "include" });
    await h.stripe.invoices.finalizeInvoice(other.id);
    await expect(h.stripe.invoices.del(other.id)).rejects.toMatchObject({ statusCode: 400 });
    await expect(h.stripe.invoiceItems.create({ customer: customer.id, currency: "usd" })).rejects.toMatchObject({
      param: "amount",
    });
  });
});

describe("what a hand-made invoice keeps and refuses", () => {
  it("keeps its payment method, footer and line ids through changes and finalizing; pays with that card", async () => {
    const customer = await h.stripe.customers.create({ email: "keeps@example.com" });
    const other = await h.stripe.customers.create({ email: "other@example.com" });
    await h.stripe.paymentMethods.attach("pm_card_chargeCustomerFail", { customer: customer.id });
    const good = await h.stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
    const stray = await h.stripe.paymentMethods.create({ type: "card", card: { token: "tok_visa" } });
    const draft = await h.stripe.invoices.create({
      customer: customer.id,
      default_payment_method: good.id,
      footer: "Thank you",
    });
    await h.stripe.invoiceItems.create({ customer: customer.id, invoice: draft.id, amount: 1_000, currency: "usd" });
    const lineId = (await h.stripe.invoices.retrieve(draft.id)).lines.data[0]?.id;
    await h.stripe.invoiceItems.create({ customer: customer.id, invoice: draft.id, amount: 500, currency: "usd" });
    await expect(
      h.stripe.invoiceItems.create({ customer: other.id, invoice: draft.id, amount: 100, currency: "usd" }),
    ).rejects.toMatchObject({ statusCode: 400, param: "invoice" });
    await expect(
      h.stripe.invoiceItems.create({ customer: customer.id, invoice: draft.id, amount: 100, currency: "eur" }),
    ).rejects.toMatchObject({ statusCode: 400, param: "currency" });
    await expect(h.stripe.invoices.pay(draft.id, { payment_method: stray.id })).rejects.toMatchObject({
      statusCode: 400,
    });
    expect((await h.stripe.invoices.retrieve(draft.id)).status).toBe("draft");

    const open = await h.stripe.invoices.finalizeInvoice(draft.id);
    expect(open).toMatchObject({ status: "open", total: 1_500, default_payment_method: good.id, footer: "Thank you" });
    expect(open.lines.data.map((line) => line.id)).toContain(lineId);
    expect(await h.stripe.invoices.pay(draft.id)).toMatchObject({ status: "paid", amount_paid: 1_500 });
  });

  it("is paid as it is finalized when nothing is due", async () => {
    const customer = await h.stripe.customers.create({ email: "zero@example.com" });
    const draft = await h.stripe.invoices.create({ customer: customer.id });
    expect(await h.stripe.invoices.finalizeInvoice(draft.id)).toMatchObject({ status: "paid", amount_due: 0 });
  });
});

describe("customer.subscription.trial_will_end as Stripe sends it", () => {
  it("is sent at once for a trial shorter than three days, and for trial_end=now", async () => {
    const { price } = await createPlan(h.stripe, 900);
    const customer = await h.stripe.customers.create({ email: "trial@example.com" });
    const pm = await h.stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
    const short = await h.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      default_payment_method: pm.id,
      trial_period_days: 2,
    });
    const long = await h.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      default_payment_method: pm.id,
      trial_period_days: 14,
    });
    expect(await eventTypes(h.stripe, objectIs(short.id))).toContain("customer.subscription.trial_will_end");
    expect(await eventTypes(h.stripe, objectIs(long.id))).not.toContain("customer.subscription.trial_will_end");
    await h.stripe.subscriptions.update(long.id, { trial_end: "now" });
    const types = await eventTypes(h.stripe, objectIs(long.id));
    expect(types.filter((type) => type === "customer.subscription.trial_will_end")).toHaveLength(1);
    expect(types.indexOf("customer.subscription.trial_will_end")).toBeLessThan(
      types.indexOf("customer.subscription.updated"),
    );
  });
});

describe("a trial that ends without a card", () => {
  async function trialing(missing: "pause" | "cancel" | "create_invoice") {
    const { price } = await createPlan(h.stripe, 1_500);
    const customer = await h.stripe.customers.create({ email: `${missing}@example.com` });
    const sub = await h.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      trial_period_days: 7,
      trial_settings: { end_behavior: { missing_payment_method: missing } },
    });
    return { customer, sub: await h.stripe.subscriptions.update(sub.id, { trial_end: "now" }) };
  }

  it("pauses (then resumes, billed from now) or cancels as trial_settings says", async () => {
    const { sub: paused } = await trialing("pause");
    expect(paused.status).toBe("paused");
    expect(await eventTypes(h.stripe, objectIs(paused.id))).toContain("customer.subscription.paused");
    // No card yet: resumed and billed, the invoice fails, so it is past due.
    expect((await h.stripe.subscriptions.resume(paused.id)).status).toBe("past_due");
    const { sub: again } = await trialing("pause");
    const pm = await h.stripe.paymentMethods.attach("pm_card_visa", { customer: again.customer as string });
    await h.stripe.customers.update(again.customer as string, { invoice_settings: { default_payment_method: pm.id } });
    const resumed = await h.stripe.subscriptions.resume(again.id, { expand: ["latest_invoice"] });
    expect(resumed).toMatchObject({ status: "active", latest_invoice: { status: "paid", amount_paid: 1_500 } });
    expect(await eventTypes(h.stripe, objectIs(again.id))).toContain("customer.subscription.resumed");
    await expect(h.stripe.subscriptions.resume(again.id)).rejects.toMatchObject({ statusCode: 400 });

    expect((await trialing("cancel")).sub.status).toBe("canceled");
    expect((await trialing("create_invoice")).sub.status).toBe("past_due");
  });
});

describe("cancel with prorate and invoice_now", () => {
  it("credits the unused time to the customer's balance, which the next invoice uses", async () => {
    const { price } = await createPlan(h.stripe, 2_900);
    const clock = await h.stripe.testHelpers.testClocks.create({
      frozen_time: Math.floor(Date.UTC(2027, 0, 1) / 1000),
    });
    const customer = await h.stripe.customers.create({ email: "credit@example.com", test_clock: clock.id });
    const pm = await h.stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
    const first = await h.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      default_payment_method: pm.id,
    });
    await h.stripe.subscriptions.cancel(first.id, { prorate: true, invoice_now: true });
    const [credit] = (await h.stripe.invoices.list({ subscription: first.id, limit: 1 })).data;
    expect(credit).toMatchObject({ total: -2_900, amount_due: 0, status: "paid", ending_balance: -2_900 });
    expect((await h.stripe.customers.retrieve(customer.id)) as Stripe.Customer).toMatchObject({ balance: -2_900 });

    const second = await h.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      default_payment_method: pm.id,
      expand: ["latest_invoice"],
    });
    expect(second.latest_invoice).toMatchObject({
      total: 2_900,
      starting_balance: -2_900,
      amount_due: 0,
      status: "paid",
    });
    expect((await h.stripe.customers.retrieve(customer.id)) as Stripe.Customer).toMatchObject({ balance: 0 });

    // Without invoice_now the credit waits as the customer's pending invoice item.
    const third = await h.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      default_payment_method: pm.id,
    });
    await h.stripe.subscriptions.cancel(third.id, { prorate: true });
    const pending = await h.stripe.invoiceItems.list({ customer: customer.id, pending: true });
    expect(pending.data).toMatchObject([{ amount: -2_900, proration: true }]);
  });
});

describe("cards that always ask for 3-D Secure, and the review's other cases", () => {
  it("pays once the customer passed the challenge; a renewal off session waits for them, past due", async () => {
    const { price } = await createPlan(h.stripe, 1_000);
    const session = await h.stripe.checkout.sessions.create({
      mode: "subscription",
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: "https://app.test/ok",
    });
    await expect(h.control.completeCheckout(session.id, { cardNumber: "4000002760003184" })).rejects.toMatchObject({
      status: 402,
    });
    const { session: done } = await h.control.completeCheckout(session.id, {
      cardNumber: "4000002760003184",
      authentication: "succeed",
    });
    const sub = await h.stripe.subscriptions.retrieve(done.subscription as string, { expand: ["latest_invoice"] });
    expect(sub).toMatchObject({ status: "active", latest_invoice: { status: "paid" } });

    const clock = await h.stripe.testHelpers.testClocks.create({
      frozen_time: Math.floor(Date.UTC(2027, 0, 1) / 1000),
    });
    const customer = await h.stripe.customers.create({ email: "always@example.com", test_clock: clock.id });
    const trial = await h.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      trial_period_days: 7,
      trial_settings: { end_behavior: { missing_payment_method: "pause" } },
    });
    const pm = await h.stripe.paymentMethods.attach("pm_card_authenticationRequired", { customer: customer.id });
    // The card comes with the update that ends the trial: it counts, so nothing is paused.
    const ended = await h.stripe.subscriptions.update(trial.id, { default_payment_method: pm.id, trial_end: "now" });
    expect(ended.status).toBe("past_due");
    expect(await eventTypes(h.stripe, objectIs(trial.id))).toContain("customer.subscription.updated");
    const [renewal] = (await h.stripe.invoices.list({ subscription: trial.id, limit: 1 })).data;
    expect(renewal).toMatchObject({ status: "open" });
    expect(await eventTypes(h.stripe, objectIs(renewal?.id ?? ""))).toContain("invoice.payment_action_required");

    // Metadata may still change on a paid invoice; nothing else may.
    const paidId = (sub.latest_invoice as Stripe.Invoice).id ?? "";
    expect((await h.stripe.invoices.update(paidId, { metadata: { audited: "yes" } })).metadata).toEqual({
      audited: "yes",
    });
    await expect(h.stripe.invoices.update(paidId, { description: "late" })).rejects.toMatchObject({ statusCode: 400 });
  });
});

describe("a preview with a credit balance", () => {
  it("takes the customer's credit off what the next invoice will ask", async () => {
    const { price } = await createPlan(h.stripe, 2_900);
    const clock = await h.stripe.testHelpers.testClocks.create({
      frozen_time: Math.floor(Date.UTC(2027, 0, 1) / 1000),
    });
    const customer = await h.stripe.customers.create({ email: "preview-credit@example.com", test_clock: clock.id });
    const pm = await h.stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
    const kept = await h.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      default_payment_method: pm.id,
    });
    const other = await h.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      default_payment_method: pm.id,
    });
    expect((await h.stripe.invoices.createPreview({ subscription: kept.id })).amount_due).toBe(2_900);
    await h.stripe.subscriptions.cancel(other.id, { prorate: true, invoice_now: true });
    const preview = await h.stripe.invoices.createPreview({ subscription: kept.id });
    expect(preview).toMatchObject({ total: 2_900, starting_balance: -2_900, amount_due: 0 });
    // A preview changes nothing: the credit is still there.
    expect(((await h.stripe.customers.retrieve(customer.id)) as Stripe.Customer).balance).toBe(-2_900);
  });
});
