// The billing emails end to end: signed deliveries from the emulator, the sync job, the send
// job, and an embedded SMTP server; one email per cause, whatever Stripe redelivers, and none
// lost while SMTP is down.
import { addMember, createUser } from "@saas/db/factories";
import { createMailTransport, formatDay, mailTasks } from "@saas/mail";
import { memoryInbox, startSmtpInbox, type SmtpInbox } from "@saas/mail/inbox";
import { emailsTo, waitForEmail } from "@saas/mail/testing";
import { runOnce } from "graphile-worker";
import type Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { billingTasks } from "../jobs/tasks.ts";
import {
  advanceClock,
  createMappedSubscriber,
  retryFailedJobsNow,
  SILENT_QUEUE_LOGGER,
  startBillingHarness,
  type BillingHarness,
} from "../testing.ts";
import type { WebhookDeps } from "../webhooks/handle-stripe-webhook.ts";
import { sign, startWebhookEndpoint, type WebhookEndpoint } from "../webhooks/webhook-testing.ts";

const DAY = 86_400;
const JAN_1_2027 = Date.UTC(2027, 0, 1) / 1000;
const store = memoryInbox();
let h: BillingHarness;
let endpoint: WebhookEndpoint;
let deps: WebhookDeps;
let smtp: SmtpInbox | null;
let smtpPort: number;
const mailConfig = { appBaseUrl: "http://localhost:3999", from: "Acme SaaS <billing@example.com>" };

beforeAll(async () => {
  h = await startBillingHarness();
  deps = { db: h.db, stripe: h.stripe, secrets: [], livemode: false };
  endpoint = await startWebhookEndpoint(deps);
  const registered = await h.stripe.webhookEndpoints.create({ url: endpoint.url, enabled_events: ["*"] });
  deps.secrets.push(registered.secret ?? "");
  smtp = await startSmtpInbox({ store });
  smtpPort = smtp.port;
});
afterAll(async () => {
  await smtp?.stop();
  await endpoint.close();
  await h.close();
});
beforeEach(() => store.clear());

/** Every delivery answered, then every job run (syncs, then the emails they queued), as the worker would. */
async function settle() {
  expect(await h.control.waitForDeliveries(15_000)).toBe(true);
  const transport = createMailTransport(`smtp://127.0.0.1:${smtpPort}`);
  try {
    const taskList = { ...billingTasks(h), ...mailTasks({ db: h.db, transport, config: mailConfig }) };
    await runOnce({ connectionString: h.database.url, taskList, logger: SILENT_QUEUE_LOGGER });
  } finally {
    transport.close();
  }
}

const advance = (clockId: string, to: number) => advanceClock(h.stripe, clockId, to);

async function subscriberOnClock(unitAmount = 1_900) {
  const clock = await h.stripe.testHelpers.testClocks.create({ frozen_time: JAN_1_2027 });
  const subscriber = await createMappedSubscriber(h, { name: "Basic", unitAmount, testClock: clock.id });
  await settle();
  return { clock, ...subscriber };
}

async function failCharges(customerId: string) {
  const failing = await h.stripe.paymentMethods.attach("pm_card_chargeCustomerFail", { customer: customerId });
  await h.stripe.customers.update(customerId, { invoice_settings: { default_payment_method: failing.id } });
}

async function openInvoice(customerId: string): Promise<Stripe.Invoice> {
  const [open] = (await h.stripe.invoices.list({ customer: customerId, status: "open" })).data;
  if (!open) throw new Error("no open invoice");
  return open;
}

/** Posts an event to the app's webhook as Stripe would, signed. */
async function deliver(event: Stripe.Event) {
  const payload = JSON.stringify(event);
  const response = await fetch(endpoint.url, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Stripe-Signature": sign(h.stripe, payload, deps.secrets[0] ?? "") },
    body: payload,
  });
  return { status: response.status, body: (await response.json()) as { outcome: string } };
}

describe("billing emails", () => {
  it("a failed renewal: one email with amount and retry date, whatever is redelivered; paid: recovered", async () => {
    const { clock, user, customer } = await subscriberOnClock();
    await failCharges(customer.id);
    await advance(clock.id, JAN_1_2027 + 32 * DAY);
    await settle();

    const invoice = await openInvoice(customer.id);
    expect(invoice.next_payment_attempt).toBeGreaterThan(0);
    const [failed, ...more] = emailsTo(store, user.email);
    expect(more).toEqual([]);
    expect(failed?.subject).toBe("Your payment of $19.00 failed");
    expect(failed?.text).toContain("We couldn't charge $19.00 for your subscription.");
    expect(failed?.text).toContain(`We'll try again on ${formatDay(invoice.next_payment_attempt ?? 0)}.`);
    expect(failed?.links.map((l) => l.href)).toContain(
      "http://localhost:3999/settings/billing?action=update-payment-method",
    );
    expect(`${failed?.html}${failed?.text}`).not.toMatch(/\b(in|cus|sub|evt)_[A-Za-z0-9]{6,}/);

    // Stripe delivers the same event again, and a second event about the same failure.
    const [event] = (await h.stripe.events.list({ types: ["invoice.payment_failed"], limit: 100 })).data.filter(
      (e) => (e.data.object as { id?: string }).id === invoice.id,
    );
    if (!event) throw new Error("no invoice.payment_failed event");
    expect((await deliver(event)).body.outcome).toBe("duplicate");
    expect((await deliver({ ...event, id: `${event.id}_again` })).body.outcome).toBe("queued");
    // And Stripe's next automatic retry fails too: a new alert in the app, no second email.
    await advance(clock.id, (invoice.next_payment_attempt ?? 0) + 3_600);
    await settle();
    expect(emailsTo(store, user.email).map((m) => m.subject)).toEqual(["Your payment of $19.00 failed"]);
    expect(await h.db.emailLog.count({ where: { userId: user.id } })).toBe(1);

    const card = await h.stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
    await h.stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: card.id } });
    await h.stripe.invoices.pay(invoice.id);
    await settle();
    expect(emailsTo(store, user.email).map((m) => m.subject)).toEqual([
      "Your payment of $19.00 failed",
      "Payment received: $19.00",
    ]);
    expect(endpoint.responses.filter((r) => r.status !== 200)).toEqual([]);
  });

  it("SMTP down as invoice.payment_failed arrives: the webhook succeeds, the email goes once SMTP is up", async () => {
    const { clock, user, customer } = await subscriberOnClock(4_900);
    await smtp?.stop();
    smtp = null;
    try {
      await failCharges(customer.id);
      await advance(clock.id, JAN_1_2027 + 32 * DAY);
      await settle();
      // Stripe heard 200 for everything; the app applied the failure (alert, past_due).
      expect(endpoint.responses.filter((r) => r.status !== 200)).toEqual([]);
      expect(await h.db.notification.count({ where: { userId: user.id, kind: "payment_failed" } })).toBe(1);
      const waiting = await h.db.emailLog.findFirstOrThrow({ where: { userId: user.id } });
      expect(waiting).toMatchObject({ kind: "payment_failed", status: "queued", attempts: 1 });
      expect(waiting.error).toMatch(/ECONNREFUSED/);
      expect(emailsTo(store, user.email)).toEqual([]);
    } finally {
      smtp = await startSmtpInbox({ store, port: smtpPort });
    }
    await retryFailedJobsNow(h.db);
    await settle();
    const email = await waitForEmail(store, (m) => m.to.includes(user.email));
    expect(email.subject).toBe("Your payment of $49.00 failed");
    await settle();
    expect(emailsTo(store, user.email)).toHaveLength(1);
    expect(await h.db.emailLog.findFirstOrThrow({ where: { userId: user.id } })).toMatchObject({
      status: "sent",
      attempts: 2,
    });
  });

  it("cancellation: scheduled to end, with the date, then ended", async () => {
    const { user, subscription } = await subscriberOnClock();
    const scheduled = await h.stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
    await settle();
    const endsAt = scheduled.items.data[0]?.current_period_end ?? 0;
    expect(emailsTo(store, user.email).map((m) => m.subject)).toEqual([
      `Your subscription ends on ${formatDay(endsAt)}`,
    ]);
    // Delivered again, or synced again: nothing new.
    await h.stripe.customers.update(subscription.customer as string, { metadata: { touched: "yes" } });
    await settle();
    await h.stripe.subscriptions.cancel(subscription.id);
    await settle();
    expect(emailsTo(store, user.email).map((m) => m.subject)).toEqual([
      `Your subscription ends on ${formatDay(endsAt)}`,
      "Your subscription has ended",
    ]);
  });

  it("in an organization: the owners and admins get one email each, its members none", async () => {
    const { clock, user, customer } = await subscriberOnClock();
    const admin = await createUser(h.db);
    const member = await createUser(h.db);
    await addMember(h.db, user.organization.id, admin.id, "admin");
    await addMember(h.db, user.organization.id, member.id, "member");
    await failCharges(customer.id);
    await advance(clock.id, JAN_1_2027 + 32 * DAY);
    await settle();

    for (const manager of [user, admin])
      expect(emailsTo(store, manager.email).map((m) => m.subject)).toEqual(["Your payment of $19.00 failed"]);
    expect(emailsTo(store, member.email)).toEqual([]);
    expect(await h.db.emailLog.count({ where: { userId: { in: [user.id, admin.id, member.id] } } })).toBe(2);
  });

  it("a subscription first synced already set to cancel is told once; one first synced ended is not", async () => {
    const clock = await h.stripe.testHelpers.testClocks.create({ frozen_time: JAN_1_2027 });
    const plan = { name: "Basic", unitAmount: 1_900, testClock: clock.id };
    const ending = await createMappedSubscriber(h, plan);
    const scheduled = await h.stripe.subscriptions.update(ending.subscription.id, { cancel_at_period_end: true });
    const ended = await createMappedSubscriber(h, plan);
    await h.stripe.subscriptions.cancel(ended.subscription.id);
    await settle();
    const endsAt = scheduled.items.data[0]?.current_period_end ?? 0;
    expect(emailsTo(store, ending.user.email).map((m) => m.subject)).toEqual([
      `Your subscription ends on ${formatDay(endsAt)}`,
    ]);
    expect(emailsTo(store, ended.user.email)).toEqual([]);
  });

  it("trial ending: an email three days before; a user who turned it off gets none", async () => {
    const clock = await h.stripe.testHelpers.testClocks.create({ frozen_time: JAN_1_2027 });
    const trial = { name: "Basic", unitAmount: 1_900, testClock: clock.id, trialDays: 7 };
    const { user, subscription: trialing } = await createMappedSubscriber(h, trial);
    const other = await createMappedSubscriber(h, trial);
    await h.db.user.update({ where: { id: other.user.id }, data: { emailTrialReminders: false } });
    await settle();
    await advance(clock.id, JAN_1_2027 + 5 * DAY);
    await settle();
    expect(emailsTo(store, user.email).map((m) => m.subject)).toEqual([
      `Your free trial ends on ${formatDay(trialing.trial_end ?? 0)}`,
    ]);
    expect(emailsTo(store, other.user.email)).toEqual([]);
    expect(await h.db.emailLog.findFirstOrThrow({ where: { userId: other.user.id } })).toMatchObject({
      kind: "trial_ending",
      status: "skipped",
    });
  });
});
