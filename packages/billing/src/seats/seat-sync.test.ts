// The seat job and reconcile against the emulator: Stripe's quantity for a per-seat plan is
// brought to the member count, whichever side drifted, once per change.
import { createUser } from "@saas/db/factories";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncCustomer } from "../sync/sync-customer.ts";
import { reconcile } from "../sync/reconcile.ts";
import {
  drainQueue,
  makeScheduledJobsDueNow,
  startBillingHarness,
  subscribedOrganization,
  type BillingHarness,
} from "../testing.ts";
import { runSeatSync, SEAT_SYNC_TASK } from "./seat-sync.ts";

let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness({ catalog: true });
});
afterAll(() => h.close());

const subscribed = (lookupKey: string, members: number, quantity: number) =>
  subscribedOrganization(h, lookupKey, members, quantity);

const quantityOf = async (subscriptionId: string) =>
  (await h.stripe.subscriptions.retrieve(subscriptionId)).items.data[0]?.quantity;

const updatesOf = async (subscriptionId: string) =>
  (await h.stripe.events.list({ type: "customer.subscription.updated", limit: 100 })).data.filter(
    (event) => (event.data.object as { id: string }).id === subscriptionId,
  ).length;

const seatJobsOf = async (organizationId: string) =>
  h.db.$queryRaw<Array<{ task: string }>>`
    SELECT task_identifier AS task FROM graphile_worker.jobs WHERE queue_name = ${`seats:${organizationId}`}`;

describe("the seat job", () => {
  it("sets Stripe's quantity to the member count, and a later attempt of the same job sets it again", async () => {
    const { organizationId, customerId, subscription } = await subscribed("team_monthly", 3, 1);
    await syncCustomer(h, customerId);
    const before = await updatesOf(subscription.id);

    const first = { jobId: "job-1", attempt: 1 };
    expect(await runSeatSync(h, organizationId, first)).toEqual({ organizationId, seats: 3, changedFrom: 1 });
    expect(await quantityOf(subscription.id)).toBe(3);
    // Changed on Stripe's side since; the queue runs the same job (same id) again.
    await h.stripe.subscriptions.update(subscription.id, {
      items: [{ id: subscription.items.data[0]?.id ?? "", quantity: 1 }],
    });
    expect(await runSeatSync(h, organizationId, { jobId: "job-1", attempt: 2 })).toMatchObject({ changedFrom: 1 });
    expect(await quantityOf(subscription.id)).toBe(3);
    // Nothing left to change: no update sent.
    expect(await runSeatSync(h, organizationId, { jobId: "job-1", attempt: 3 })).toMatchObject({ changedFrom: null });
    expect(await updatesOf(subscription.id)).toBe(before + 3);
  });

  it("does nothing for a flat plan or an organization with no subscription", async () => {
    const flat = await subscribed("pro_monthly", 3, 1);
    await syncCustomer(h, flat.customerId);
    expect(await runSeatSync(h, flat.organizationId, { jobId: "job-flat", attempt: 1 })).toMatchObject({
      seats: null,
      changedFrom: null,
    });
    expect(await quantityOf(flat.subscription.id)).toBe(1);
    const lone = await createUser(h.db);
    expect(await runSeatSync(h, lone.organization.id, { jobId: "job-none", attempt: 1 })).toMatchObject({
      seats: null,
    });
  });

  it("is queued by the sync when Stripe's quantity drifts from the members, and brings it back", async () => {
    const { organizationId, customerId, subscription } = await subscribed("team_monthly", 2, 5);
    await syncCustomer(h, customerId);
    expect(await seatJobsOf(organizationId)).toEqual([{ task: SEAT_SYNC_TASK }]);
    await makeScheduledJobsDueNow(h.db);
    await drainQueue(h);
    expect(await quantityOf(subscription.id)).toBe(2);
    expect(await seatJobsOf(organizationId)).toEqual([]);
  });
});

describe("a switch from Team to a flat plan", () => {
  it("bills the flat plan as one unit, whatever Team's quantity was", async () => {
    const { organizationId, customerId, subscription } = await subscribed("team_monthly", 3, 3);
    const [pro] = (await h.stripe.prices.list({ lookup_keys: ["pro_monthly"] })).data;
    // As the portal switches plans: the price changes, the quantity stays.
    await h.stripe.subscriptions.update(subscription.id, {
      items: [{ id: subscription.items.data[0]?.id ?? "", price: pro?.id ?? "" }],
    });
    await syncCustomer(h, customerId);
    expect(await seatJobsOf(organizationId)).toEqual([{ task: SEAT_SYNC_TASK }]);
    await makeScheduledJobsDueNow(h.db);
    await drainQueue(h);
    expect(await quantityOf(subscription.id)).toBe(1);
  });
});

describe("reconcile", () => {
  it("repairs a planted quantity drift, and finds nothing the second time", async () => {
    const { customerId, subscription } = await subscribed("team_monthly", 4, 9);
    const first = await reconcile(h, { customerId });
    expect(first).toMatchObject({ examined: 1, failed: 0, seatsRepaired: 1 });
    expect(await quantityOf(subscription.id)).toBe(4);
    expect(await reconcile(h, { customerId })).toMatchObject({ examined: 1, failed: 0, seatsRepaired: 0 });
  });
});
