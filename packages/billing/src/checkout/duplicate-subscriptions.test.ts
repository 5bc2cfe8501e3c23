// Two Checkouts paid at the same instant make two subscriptions: the sync that sees the
// second queues its cancel, the first stays, and the owners are told why, once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncCustomer } from "../sync/sync-customer.ts";
import { drainQueue, startBillingHarness, subscribedOrganization, type BillingHarness } from "../testing.ts";
import { DUPLICATE_SUBSCRIPTION_TASK } from "./duplicate-subscriptions.ts";

let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness({ catalog: true });
});
afterAll(() => h.close());

describe("a second live subscription", () => {
  it("is canceled by the job the sync queues, keeping the first, with one alert for the owner", async () => {
    const { organizationId, customerId, subscription: first } = await subscribedOrganization(h, "pro_monthly", 1);
    await syncCustomer(h, customerId);
    const [team] = (await h.stripe.prices.list({ lookup_keys: ["team_monthly"] })).data;
    const second = await h.stripe.subscriptions.create({ customer: customerId, items: [{ price: team?.id ?? "" }] });
    await syncCustomer(h, customerId);
    const jobs = await h.db.$queryRaw<Array<{ key: string }>>`
      SELECT key FROM graphile_worker._private_jobs WHERE task_id =
        (SELECT id FROM graphile_worker._private_tasks WHERE identifier = ${DUPLICATE_SUBSCRIPTION_TASK})`;
    expect(jobs.map((job) => job.key)).toEqual([`duplicate:${second.id}`]);

    const lines: Array<{ task: string; canceled?: boolean }> = [];
    await drainQueue(h, (line) => lines.push(line));
    expect(lines.filter((line) => line.task === DUPLICATE_SUBSCRIPTION_TASK)).toMatchObject([{ canceled: true }]);
    expect((await h.stripe.subscriptions.retrieve(second.id)).status).toBe("canceled");
    expect((await h.stripe.subscriptions.retrieve(first.id)).status).toBe("active");
    // What the second one charged comes back as credit: its unused time, all of it, on the balance.
    const [charged] = (await h.stripe.invoices.list({ subscription: second.id, status: "paid" })).data.reverse();
    const customer = (await h.stripe.customers.retrieve(customerId)) as { balance: number };
    expect(charged?.amount_paid).toBeGreaterThan(0);
    expect(customer.balance).toBe(-(charged?.amount_paid ?? 0));

    // The cancel's own sync finds one live subscription: nothing more is queued or canceled.
    await syncCustomer(h, customerId);
    await drainQueue(h, (line) => lines.push(line));
    expect(lines.filter((line) => line.task === DUPLICATE_SUBSCRIPTION_TASK)).toHaveLength(1);
    const alerts = await h.db.notification.findMany({ where: { organizationId, kind: "duplicate_subscription" } });
    expect(alerts.map((alert) => alert.title)).toEqual(["A second subscription was canceled"]);
    expect(alerts[0]?.body).toContain("a second subscription to Team began");
    expect(alerts[0]?.body).toContain("its unused time is credited");
  });

  it("leaves the second alone when the first ended before the job ran: it is no longer a duplicate", async () => {
    const { customerId, subscription: first } = await subscribedOrganization(h, "pro_monthly", 1);
    await syncCustomer(h, customerId);
    const [team] = (await h.stripe.prices.list({ lookup_keys: ["team_monthly"] })).data;
    const second = await h.stripe.subscriptions.create({ customer: customerId, items: [{ price: team?.id ?? "" }] });
    await syncCustomer(h, customerId);
    await h.stripe.subscriptions.cancel(first.id);
    const lines: Array<{ task: string; canceled?: boolean }> = [];
    await drainQueue(h, (line) => lines.push(line));
    expect(lines.filter((line) => line.task === DUPLICATE_SUBSCRIPTION_TASK)).toMatchObject([{ canceled: false }]);
    expect((await h.stripe.subscriptions.retrieve(second.id)).status).toBe("active");
  });

  it("leaves alone a subscription that is not one of the app's plans (an add-on made in the dashboard)", async () => {
    const { customerId, subscription: plan } = await subscribedOrganization(h, "pro_monthly", 1);
    await syncCustomer(h, customerId);
    const addOn = await h.stripe.prices.create({
      currency: "usd",
      unit_amount: 500,
      recurring: { interval: "month" },
      product_data: { name: "Support add-on" },
    });
    const extra = await h.stripe.subscriptions.create({ customer: customerId, items: [{ price: addOn.id }] });
    await syncCustomer(h, customerId);
    await drainQueue(h);
    expect((await h.stripe.subscriptions.retrieve(extra.id)).status).toBe("active");
    expect((await h.stripe.subscriptions.retrieve(plan.id)).status).toBe("active");
  });
});
