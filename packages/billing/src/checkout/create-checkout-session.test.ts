// Checkout grants a free trial once per organization: cancel and subscribe again, and the
// second subscription is paid from the first day (better-auth #4539).
import { createUser } from "@saas/db/factories";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listInvoices } from "../invoices/list-invoices.ts";
import { getBillingStatus } from "../status/get-billing-status.ts";
import { syncCustomer } from "../sync/sync-customer.ts";
import { startBillingHarness, type BillingHarness } from "../testing.ts";
import { createCheckoutSession } from "./create-checkout-session.ts";

let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness({ catalog: true });
});
afterAll(() => h.close());

/** Subscribes the organization to `lookupKey` through Checkout, paid with the test card, synced. */
async function subscribe(organizationId: string, lookupKey: string) {
  const { redirectUrl } = await createCheckoutSession(h, { organizationId, lookupKey });
  const sessionId = redirectUrl.match(/cs_test_\w+/)?.[0] ?? "";
  await h.control.completeCheckout(sessionId, {});
  const session = await h.stripe.checkout.sessions.retrieve(sessionId, { expand: ["subscription"] });
  const customer = typeof session.customer === "string" ? session.customer : (session.customer?.id ?? "");
  await syncCustomer(h, customer);
  return session.subscription as { id: string; status: string; trial_end: number | null };
}

describe("one free trial per organization", () => {
  it("trials the first subscription, and not one after it was canceled", async () => {
    const owner = await createUser(h.db);
    const organizationId = owner.organization.id;
    expect((await getBillingStatus(h.db, organizationId)).trialAvailable).toBe(true);

    const first = await subscribe(organizationId, "pro_yearly");
    expect(first).toMatchObject({ status: "trialing" });
    expect(first.trial_end).not.toBeNull();
    await h.stripe.subscriptions.cancel(first.id);
    const account = await h.db.account.findUniqueOrThrow({ where: { organizationId } });
    await syncCustomer(h, account.stripeCustomerId ?? "");
    expect((await getBillingStatus(h.db, organizationId)).trialAvailable).toBe(false);

    const second = await subscribe(organizationId, "pro_yearly");
    expect(second).toMatchObject({ status: "active", trial_end: null });
  });
});

describe("promotion codes", () => {
  it("offers the code field; LAUNCH20 typed there reaches the synced row, the status and invoices", async () => {
    const owner = await createUser(h.db);
    const organizationId = owner.organization.id;
    const { redirectUrl } = await createCheckoutSession(h, { organizationId, lookupKey: "pro_monthly" });
    const sessionId = redirectUrl.match(/cs_test_\w+/)?.[0] ?? "";
    expect((await h.stripe.checkout.sessions.retrieve(sessionId)).allow_promotion_codes).toBe(true);
    const typed = await fetch(`${h.emulator.url}/c/pay/${sessionId}/promotion-code`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ promotion_code: "LAUNCH20" }),
      redirect: "manual",
    });
    expect(typed.status).toBe(303);
    await h.control.completeCheckout(sessionId, {});
    const account = await h.db.account.findUniqueOrThrow({ where: { organizationId } });
    await syncCustomer(h, account.stripeCustomerId ?? "");

    const { subscription } = await getBillingStatus(h.db, organizationId);
    expect(subscription?.discount).toMatchObject({ name: "LAUNCH20", percentOff: 20, duration: "repeating" });
    const started = new Date(subscription?.currentPeriodEnd ?? 0);
    const ends = new Date(subscription?.discount?.endsAt ?? 0);
    // Three months from the start, which is one month before the current period's end.
    expect(ends.getUTCMonth()).toBe((started.getUTCMonth() + 2) % 12);
    const { invoices, upcoming } = await listInvoices(h, organizationId);
    expect(invoices).toMatchObject([{ total: 2_320, discount: 580 }]);
    expect(upcoming).toMatchObject({ amountDue: 2_320, discount: 580 });
  });
});

describe("tax", () => {
  it("collects the address and tax IDs always, and computes tax only with STRIPE_AUTOMATIC_TAX", async () => {
    const plain = await createUser(h.db);
    const off = await createCheckoutSession(h, { organizationId: plain.organization.id, lookupKey: "pro_monthly" });
    const offSession = await h.stripe.checkout.sessions.retrieve(off.redirectUrl.match(/cs_test_\w+/)?.[0] ?? "");
    expect(offSession).toMatchObject({
      billing_address_collection: "required",
      tax_id_collection: { enabled: true },
      automatic_tax: { enabled: false },
    });

    const taxed = await createUser(h.db);
    const organizationId = taxed.organization.id;
    const withTax = { ...h, config: { ...h.config, automaticTax: true } };
    const { redirectUrl } = await createCheckoutSession(withTax, { organizationId, lookupKey: "pro_monthly" });
    const sessionId = redirectUrl.match(/cs_test_\w+/)?.[0] ?? "";
    expect((await h.stripe.checkout.sessions.retrieve(sessionId)).automatic_tax.enabled).toBe(true);
    await h.control.completeCheckout(sessionId, {
      address: { country: "DE", line1: "Unter den Linden 1", city: "Berlin", postal_code: "10117" },
      business: { name: "Beispiel GmbH", tax_id: "DE123456789" },
    });
    const account = await h.db.account.findUniqueOrThrow({ where: { organizationId } });
    await syncCustomer(h, account.stripeCustomerId ?? "");
    const { invoices, upcoming } = await listInvoices(h, organizationId);
    expect(invoices).toMatchObject([{ total: 3_451, tax: 551 }]);
    expect(upcoming?.amountDue).toBe(3_451);
    const customer = await h.stripe.customers.retrieve(account.stripeCustomerId ?? "");
    expect(customer).toMatchObject({ address: { country: "DE" }, name: "Beispiel GmbH" });
  });
});

describe("one Checkout at a time per organization", () => {
  it("expires the Checkout opened in another tab when a new one opens, so only the new one can be paid", async () => {
    const owner = await createUser(h.db);
    const organizationId = owner.organization.id;
    const sessionOf = (url: string) => url.match(/cs_test_\w+/)?.[0] ?? "";
    const firstTab = sessionOf(
      (await createCheckoutSession(h, { organizationId, lookupKey: "pro_monthly" })).redirectUrl,
    );
    const secondTab = sessionOf(
      (await createCheckoutSession(h, { organizationId, lookupKey: "team_monthly" })).redirectUrl,
    );
    expect((await h.stripe.checkout.sessions.retrieve(firstTab)).status).toBe("expired");
    expect((await h.stripe.checkout.sessions.retrieve(secondTab)).status).toBe("open");
    // The first tab's payment is refused: nothing is charged and no subscription is made.
    await expect(h.control.completeCheckout(firstTab, {})).rejects.toThrow(/can no longer be completed/);
    await h.control.completeCheckout(secondTab, {});
    const account = await h.db.account.findUniqueOrThrow({ where: { organizationId } });
    const subscriptions = await h.stripe.subscriptions.list({
      customer: account.stripeCustomerId ?? "",
      status: "all",
    });
    expect(subscriptions.data.map((subscription) => subscription.items.data[0]?.price.lookup_key)).toEqual([
      "team_monthly",
    ]);
  });
});
