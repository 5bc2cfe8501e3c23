// Settings → Billing's invoices: the history as Stripe has it, and the next invoice, which
// carries a plan change's prorations and is gone once the subscription ends with its period.
import { createUser } from "@saas/db/factories";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncCustomer } from "../sync/sync-customer.ts";
import { startBillingHarness, subscribedOrganization, type BillingHarness } from "../testing.ts";
import { listInvoices } from "./list-invoices.ts";

let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness({ catalog: true });
});
afterAll(() => h.close());

describe("listInvoices", () => {
  it("lists the paid first invoice and the next one, with a seat added since", async () => {
    const { organizationId, customerId, subscription } = await subscribedOrganization(h, "team_monthly", 2, 2);
    await syncCustomer(h, customerId);
    const first = await listInvoices(h, organizationId);
    expect(first.invoices).toMatchObject([{ total: 2_400, status: "paid", currency: "usd", discount: 0, tax: 0 }]);
    expect(first.invoices[0]?.hostedInvoiceUrl).toMatch(/^http/);
    const periodEnd = new Date((subscription.items.data[0]?.current_period_end ?? 0) * 1000).toISOString();
    expect(first.upcoming).toEqual({ amountDue: 2_400, discount: 0, currency: "usd", date: periodEnd });

    // A third seat now: its prorated charge goes on the next invoice, with three seats after.
    await h.stripe.subscriptions.update(subscription.id, {
      items: [{ id: subscription.items.data[0]?.id ?? "", quantity: 3 }],
    });
    const next = (await listInvoices(h, organizationId)).upcoming;
    expect(next?.amountDue).toBeGreaterThan(3_600);
    expect(next?.amountDue).toBeLessThanOrEqual(3_600 + 1_200);
  });

  it("has no next invoice once the subscription ends with its period, and nothing for no customer", async () => {
    const { organizationId, customerId, subscription } = await subscribedOrganization(h, "pro_monthly", 1);
    await h.stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
    await syncCustomer(h, customerId);
    const { invoices, upcoming } = await listInvoices(h, organizationId);
    expect(invoices).toHaveLength(1);
    expect(upcoming).toBeNull();
    const nobody = await createUser(h.db);
    expect(await listInvoices(h, nobody.organization.id)).toEqual({ invoices: [], upcoming: null });
  });
});
