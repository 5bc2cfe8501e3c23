// Subscription schedules through the SDK: made from phases or from a subscription, updated,
// released and canceled, with the events Stripe sends.
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPlan, eventTypes, startHarness, type Harness } from "./helpers.ts";

let h: Harness;
let price: Stripe.Price;
beforeAll(async () => {
  h = await startHarness();
  ({ price } = await createPlan(h.stripe, 1_500));
});
afterAll(async () => {
  await h.emulator.stop();
});

const objectIs = (id: string) => (event: Stripe.Event) => (event.data.object as { id?: string }).id === id;

async function scheduled() {
  const clock = await h.stripe.testHelpers.testClocks.create({ frozen_time: Math.floor(Date.UTC(2027, 0, 10) / 1000) });
  const customer = await h.stripe.customers.create({ source: "tok_visa", test_clock: clock.id });
  const schedule = await h.stripe.subscriptionSchedules.create({
    customer: customer.id,
    start_date: "now",
    phases: [
      { items: [{ price: price.id, quantity: 1 }], duration: { interval: "month", interval_count: 1 } },
      { items: [{ price: price.id, quantity: 2 }], duration: { interval: "month", interval_count: 2 } },
    ],
  });
  return { customer, schedule };
}

describe("subscription schedules", () => {
  it("starts now with the first phase's subscription, phases back to back", async () => {
    const { schedule } = await scheduled();
    expect(schedule).toMatchObject({ object: "subscription_schedule", status: "active", end_behavior: "release" });
    const [first, second] = schedule.phases;
    expect(first).toMatchObject({ start_date: Math.floor(Date.UTC(2027, 0, 10) / 1000), items: [{ quantity: 1 }] });
    expect(first?.end_date).toBe(Math.floor(Date.UTC(2027, 1, 10) / 1000));
    expect(second).toMatchObject({ start_date: first?.end_date, end_date: Math.floor(Date.UTC(2027, 3, 10) / 1000) });
    expect(schedule.current_phase).toEqual({ start_date: first?.start_date, end_date: first?.end_date });
    const sub = await h.stripe.subscriptions.retrieve(schedule.subscription as string);
    expect(sub).toMatchObject({ status: "active", schedule: schedule.id, items: { data: [{ quantity: 1 }] } });
    const updated = await h.stripe.subscriptionSchedules.update(schedule.id, { metadata: { foo: "bar" } });
    expect(updated.metadata).toEqual({ foo: "bar" });
    expect(await eventTypes(h.stripe, objectIs(schedule.id))).toEqual([
      "subscription_schedule.created",
      "subscription_schedule.updated",
    ]);
  });

  it("releases the subscription, which goes on alone; or cancels both", async () => {
    const { schedule } = await scheduled();
    const released = await h.stripe.subscriptionSchedules.release(schedule.id);
    expect(released).toMatchObject({
      status: "released",
      subscription: null,
      released_subscription: schedule.subscription,
    });
    const sub = await h.stripe.subscriptions.retrieve(released.released_subscription ?? "");
    expect(sub).toMatchObject({ status: "active", schedule: null });
    await expect(h.stripe.subscriptionSchedules.cancel(schedule.id)).rejects.toMatchObject({ statusCode: 400 });

    const other = (await scheduled()).schedule;
    expect(await h.stripe.subscriptionSchedules.cancel(other.id)).toMatchObject({ status: "canceled" });
    expect((await h.stripe.subscriptions.retrieve(other.subscription as string)).status).toBe("canceled");
    expect(await eventTypes(h.stripe, objectIs(other.id))).toEqual([
      "subscription_schedule.created",
      "subscription_schedule.canceled",
    ]);
  });

  it("is made from an existing subscription, or waits for a future start with no subscription yet", async () => {
    const customer = await h.stripe.customers.create({ source: "tok_visa" });
    const sub = await h.stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
    const from = await h.stripe.subscriptionSchedules.create({ from_subscription: sub.id });
    expect(from).toMatchObject({ status: "active", subscription: sub.id, phases: [{ items: [{ price: price.id }] }] });
    expect((await h.stripe.subscriptions.retrieve(sub.id)).schedule).toBe(from.id);
    await expect(h.stripe.subscriptionSchedules.create({ from_subscription: sub.id })).rejects.toMatchObject({
      statusCode: 400,
    });
    const later = await h.stripe.subscriptionSchedules.create({
      customer: customer.id,
      start_date: Math.floor(Date.UTC(2030, 0, 1) / 1000),
      phases: [{ items: [{ price: price.id }] }],
    });
    expect(later).toMatchObject({ status: "not_started", subscription: null, current_phase: null });
    await expect(
      h.stripe.subscriptionSchedules.create({ customer: customer.id, start_date: "now", phases: [] }),
    ).rejects.toMatchObject({ statusCode: 400 });
    // `iterations` was removed in this API version: refused as an unknown parameter, as Stripe does.
    const withIterations = {
      items: [{ price: price.id }],
      iterations: 1,
    } as Stripe.SubscriptionScheduleCreateParams.Phase;
    await expect(
      h.stripe.subscriptionSchedules.create({ customer: customer.id, start_date: "now", phases: [withIterations] }),
    ).rejects.toMatchObject({ statusCode: 400, code: "parameter_unknown" });
  });
});
