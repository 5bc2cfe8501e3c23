// A full dunning cycle with real signed deliveries from the emulator, driven by a test clock.
import { addMember, createUser } from "@saas/db/factories";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getEntitlement } from "../entitlements/get-entitlement.ts";
import { NOTIFICATION_KINDS } from "../notifications/notifications.ts";
import { getBillingStatus } from "../status/get-billing-status.ts";
import { reconcile } from "../sync/reconcile.ts";
import {
  advanceClock,
  createMappedSubscriber,
  drainQueue,
  startBillingHarness,
  type BillingHarness,
} from "../testing.ts";
import type { WebhookDeps } from "./handle-stripe-webhook.ts";
import { startWebhookEndpoint, type WebhookEndpoint } from "./webhook-testing.ts";

const DAY = 86_400;
const JAN_1_2027 = Date.UTC(2027, 0, 1) / 1000;
let h: BillingHarness;
let endpoint: WebhookEndpoint;
let deps: WebhookDeps;

beforeAll(async () => {
  h = await startBillingHarness();
  deps = { db: h.db, stripe: h.stripe, secrets: [], livemode: false };
  endpoint = await startWebhookEndpoint(deps);
  // Registered like a production endpoint: the emulator signs with the secret it returns.
  const registered = await h.stripe.webhookEndpoints.create({ url: endpoint.url, enabled_events: ["*"] });
  deps.secrets.push(registered.secret ?? "");
});
afterAll(async () => {
  await endpoint.close();
  await h.close();
});

/** Every delivery answered, then every job they queued run, as the worker would. */
async function settle() {
  expect(await h.control.waitForDeliveries(15_000)).toBe(true);
  await drainQueue(h);
}

const advance = (clockId: string, to: number) => advanceClock(h.stripe, clockId, to);

/** A mapped subscriber on a clock of its own whose first renewal has just failed. */
async function failedRenewal() {
  const clock = await h.stripe.testHelpers.testClocks.create({ frozen_time: JAN_1_2027 });
  const plan = { name: "Basic", unitAmount: 1_900, testClock: clock.id };
  const { user, customer, subscription } = await createMappedSubscriber(h, plan);
  const failing = await h.stripe.paymentMethods.attach("pm_card_chargeCustomerFail", { customer: customer.id });
  await h.stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: failing.id } });
  await advance(clock.id, JAN_1_2027 + 32 * DAY);
  await settle();
  return { user, customer, subscription };
}

describe("dunning", () => {
  it("renewal fails → notification, past_due (grace) → card updated, invoice paid → resolved and active", async () => {
    const clock = await h.stripe.testHelpers.testClocks.create({ frozen_time: JAN_1_2027 });
    const plan = { name: "Pro", unitAmount: 2_900, testClock: clock.id };
    const { user, customer, subscription } = await createMappedSubscriber(h, plan);
    await settle();
    expect(
      await h.db.subscription.findUniqueOrThrow({ where: { stripeSubscriptionId: subscription.id } }),
    ).toMatchObject({ status: "active" });

    const failing = await h.stripe.paymentMethods.attach("pm_card_chargeCustomerFail", { customer: customer.id });
    await h.stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: failing.id } });
    await advance(clock.id, JAN_1_2027 + 32 * DAY);
    await settle();

    const row = await h.db.subscription.findUniqueOrThrow({ where: { stripeSubscriptionId: subscription.id } });
    expect(row.status).toBe("past_due");
    expect((await getEntitlement(h.db, user.organization.id)).access).toBe("grace");
    const failures = await h.db.notification.findMany({
      where: { userId: user.id, kind: NOTIFICATION_KINDS.paymentFailed },
    });
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ title: "Payment failed", resolvedAt: null });
    expect(failures[0]?.body).toMatch(/We couldn't charge \$29\.00 for your subscription\. We'll try again on /);
    expect(failures[0]?.actionUrl).toMatch(/^http/);

    const card = await h.stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
    await h.stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: card.id } });
    const [open] = (await h.stripe.invoices.list({ customer: customer.id, status: "open" })).data;
    await h.stripe.invoices.pay(open?.id ?? "");
    await settle();

    expect(
      (await h.db.subscription.findUniqueOrThrow({ where: { stripeSubscriptionId: subscription.id } })).status,
    ).toBe("active");
    expect((await getEntitlement(h.db, user.organization.id)).access).toBe("full");
    const after = await h.db.notification.findMany({ where: { userId: user.id }, orderBy: { createdAt: "asc" } });
    expect(after.map((n) => [n.kind, n.resolvedAt !== null])).toEqual([
      [NOTIFICATION_KINDS.paymentFailed, true],
      [NOTIFICATION_KINDS.paymentRecovered, false],
    ]);
    // Every delivery was acknowledged; none needed a retry.
    expect(endpoint.responses.filter((r) => r.status !== 200)).toEqual([]);
  });

  it("resolves the alert when the invoice is paid out of band, which sends invoice.paid alone", async () => {
    const { user, customer, subscription } = await failedRenewal();
    const [open] = (await h.stripe.invoices.list({ customer: customer.id, status: "open" })).data;
    const alert = await h.db.notification.findFirstOrThrow({
      where: { userId: user.id, kind: NOTIFICATION_KINDS.paymentFailed },
    });
    expect(alert.resolvedAt).toBeNull();

    await h.stripe.invoices.pay(open?.id ?? "", { paid_out_of_band: true });
    await settle();
    const events = await h.stripe.events.list({ types: ["invoice.paid", "invoice.payment_succeeded"], limit: 100 });
    const sent = events.data.filter((e) => (e.data.object as { id?: string }).id === open?.id).map((e) => e.type);
    expect(sent).toEqual(["invoice.paid"]);

    expect((await h.db.notification.findUniqueOrThrow({ where: { id: alert.id } })).resolvedAt).not.toBeNull();
    expect(
      await h.db.notification.count({ where: { userId: user.id, kind: NOTIFICATION_KINDS.paymentRecovered } }),
    ).toBe(1);
    expect(
      (await h.db.subscription.findUniqueOrThrow({ where: { stripeSubscriptionId: subscription.id } })).status,
    ).toBe("active");
    expect((await getBillingStatus(h.db, user.organization.id)).paymentProblem).toBeNull();
  });

  it("reconcile repairs a subscription row altered by hand and reports it", async () => {
    const [row] = await h.db.subscription.findMany({ take: 1 });
    if (!row) throw new Error("no subscription to tamper with");
    await h.db.subscription.update({ where: { id: row.id }, data: { status: "canceled", cancelAtPeriodEnd: true } });
    const summary = await reconcile(h);
    expect(summary).toMatchObject({ changed: 1, failed: 0 });
    expect(await h.db.subscription.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
      status: "active",
      cancelAtPeriodEnd: false,
    });
    expect(await reconcile(h)).toMatchObject({ changed: 0 });
  });
});

// Last: its subscription stays past_due, and the tests above pick subscriptions of their own or any.
describe("dunning in an organization", () => {
  it("alerts the organization's owners and admins, not its members; the status shows the problem to all", async () => {
    const clock = await h.stripe.testHelpers.testClocks.create({ frozen_time: JAN_1_2027 });
    const plan = { name: "Team", unitAmount: 4_900, testClock: clock.id };
    const { user, customer } = await createMappedSubscriber(h, plan);
    const admin = await createUser(h.db);
    const member = await createUser(h.db);
    await addMember(h.db, user.organization.id, admin.id, "admin");
    await addMember(h.db, user.organization.id, member.id, "member");
    await settle();
    const failing = await h.stripe.paymentMethods.attach("pm_card_chargeCustomerFail", { customer: customer.id });
    await h.stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: failing.id } });
    await advance(clock.id, JAN_1_2027 + 32 * DAY);
    await settle();

    const alerted = await h.db.notification.findMany({
      where: { kind: NOTIFICATION_KINDS.paymentFailed, userId: { in: [user.id, admin.id, member.id] } },
      select: { userId: true, organizationId: true },
    });
    expect(alerted.map((a) => a.userId).sort()).toEqual([user.id, admin.id].sort());
    expect(alerted.every((a) => a.organizationId === user.organization.id)).toBe(true);
    expect((await getBillingStatus(h.db, user.organization.id)).paymentProblem).not.toBeNull();
    // The member's own organization knows nothing of it.
    expect((await getBillingStatus(h.db, member.organization.id)).paymentProblem).toBeNull();
  });
});
