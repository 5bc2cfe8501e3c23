// Events API, webhook endpoints and signed delivery verified with the SDK's constructEvent.
import Stripe from "stripe";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startHarness, startReceiver, type Harness, type Receiver } from "./helpers.ts";

const SECRET = "whsec_test_forwarding_secret";
let h: Harness;
let receiver: Receiver;

beforeEach(async () => {
  receiver = await startReceiver();
  h = await startHarness({ forwardTo: receiver.url, webhookSecret: SECRET, webhookRetryScheduleMs: [20, 40] });
});
afterEach(async () => {
  await h.emulator.stop();
  await receiver.close();
});

function verify(body: string, signature: string | string[] | undefined, secret = SECRET): Stripe.Event {
  return h.stripe.webhooks.constructEvent(body, String(signature), secret);
}

describe("events API", () => {
  it("retrieves events and filters by type, types[] and created", async () => {
    const customer = await h.stripe.customers.create({ email: "evt@example.com" });
    await h.stripe.products.create({ name: "Evt" });
    const created = await h.stripe.events.list({ type: "customer.created" });
    const event = created.data[0];
    expect(event).toMatchObject({
      object: "event",
      type: "customer.created",
      api_version: "2026-10-28.endive",
      livemode: false,
    });
    expect(event?.id).toMatch(/^evt_/);
    expect(event?.request?.id).toMatch(/^req_/);
    if (event?.type === "customer.created") expect(event.data.object.id).toBe(customer.id);
    const again = await h.stripe.events.retrieve(event?.id ?? "");
    expect(again).toEqual(expect.objectContaining({ id: event?.id, type: "customer.created" }));
    const several = await h.stripe.events.list({ types: ["customer.created", "product.created"] });
    expect(several.data.map((e) => e.type)).toEqual(["product.created", "customer.created"]);
    expect((await h.stripe.events.list({ type: "customer.*" })).data.map((e) => e.type)).toEqual(["customer.created"]);
    expect((await h.stripe.events.list({ created: { gt: (event?.created ?? 0) + 3_600 } })).data).toHaveLength(0);
  });

  it("keeps data.object as it was when the event happened", async () => {
    const customer = await h.stripe.customers.create({ name: "Before" });
    await h.stripe.customers.update(customer.id, { name: "After" });
    const created = (await h.stripe.events.list({ type: "customer.created" })).data[0];
    if (created?.type !== "customer.created") throw new Error("no customer.created event");
    expect(created.data.object.name).toBe("Before");
  });
});

describe("webhook delivery", () => {
  it("forwards every event signed so constructEvent verifies it, in creation order", async () => {
    const customer = await h.stripe.customers.create({ email: "hook@example.com" });
    await h.stripe.customers.update(customer.id, { name: "Hook" });
    await h.stripe.customers.del(customer.id);
    const received = await receiver.waitFor(3);
    const events = received.map((webhook) => verify(webhook.body, webhook.headers["stripe-signature"]));
    expect(events.map((event) => event.type)).toEqual(["customer.created", "customer.updated", "customer.deleted"]);
    expect(() => verify(received[0]?.body ?? "", received[0]?.headers["stripe-signature"], "whsec_wrong")).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
    expect(() => verify(`${received[0]?.body ?? ""} `, received[0]?.headers["stripe-signature"])).toThrow();
    expect(await h.control.waitForDeliveries()).toBe(true);
    const log = await h.control.deliveries();
    expect(log.map((entry) => [entry.eventType, entry.status, entry.attempt, entry.endpoint])).toEqual([
      ["customer.created", 200, 1, "forward"],
      ["customer.updated", 200, 1, "forward"],
      ["customer.deleted", 200, 1, "forward"],
    ]);
  });

  it("retries non-2xx answers with backoff, then gives up", async () => {
    receiver.respond = (_webhook, index) => (index === 0 ? 500 : 200);
    await h.stripe.products.create({ name: "Retry me" });
    await receiver.waitFor(2);
    await h.emulator.deliveriesIdle();
    const log = await h.control.deliveries();
    expect(log.map((entry) => [entry.attempt, entry.status, entry.ok])).toEqual([
      [1, 500, false],
      [2, 200, true],
    ]);
    receiver.respond = () => 503;
    await h.control.reset();
    await h.stripe.products.create({ name: "Always failing" });
    await h.emulator.deliveriesIdle();
    expect((await h.control.deliveries()).map((entry) => entry.attempt)).toEqual([1, 2, 3]);
  });

  it("counts pending_webhooks down as endpoints acknowledge, a retried one once it answers 2xx", async () => {
    const endpointReceiver = await startReceiver();
    try {
      await h.stripe.webhookEndpoints.create({ url: endpointReceiver.url, enabled_events: ["product.created"] });
      // The forwarding target fails the first attempt; the endpoint answers at once.
      receiver.respond = (_webhook, index) => (index === 0 ? 500 : 200);
      const product = await h.stripe.products.create({ name: "Count me" });
      const [created] = (await h.stripe.events.list({ type: "product.created", limit: 1 })).data;
      expect(created?.data.object).toMatchObject({ id: product.id });
      expect(created?.pending_webhooks).toBe(2);
      await endpointReceiver.waitFor(1);
      await h.emulator.deliveriesIdle();
      expect((await h.stripe.events.retrieve(created?.id ?? "")).pending_webhooks).toBe(0);
      // One whose only target keeps failing stays pending.
      receiver.respond = () => 503;
      const unwanted = await h.stripe.customers.create({});
      await h.emulator.deliveriesIdle();
      const [customerEvent] = (await h.stripe.events.list({ type: "customer.created", limit: 1 })).data;
      expect(customerEvent?.data.object).toMatchObject({ id: unwanted.id });
      expect(customerEvent?.pending_webhooks).toBe(1);
    } finally {
      await endpointReceiver.close();
    }
  });

  it("delivers to API-created endpoints filtered by enabled_events, with their own secret", async () => {
    const endpointReceiver = await startReceiver();
    try {
      const endpoint = await h.stripe.webhookEndpoints.create({
        url: endpointReceiver.url,
        enabled_events: ["customer.created"],
        api_version: "2026-10-28.endive",
      });
      expect(endpoint.secret).toMatch(/^whsec_/);
      expect(endpoint).toMatchObject({
        status: "enabled",
        api_version: "2026-10-28.endive",
        enabled_events: ["customer.created"],
      });
      expect((await h.stripe.webhookEndpoints.retrieve(endpoint.id)).secret).toBeUndefined();
      await h.stripe.products.create({ name: "Not for the endpoint" });
      const customer = await h.stripe.customers.create({});
      const [webhook] = await endpointReceiver.waitFor(1);
      await h.emulator.deliveriesIdle();
      expect(endpointReceiver.received).toHaveLength(1);
      const event = verify(webhook?.body ?? "", webhook?.headers["stripe-signature"], endpoint.secret);
      expect(event.type).toBe("customer.created");
      if (event.type === "customer.created") expect(event.data.object.id).toBe(customer.id);
      const updated = await h.stripe.webhookEndpoints.update(endpoint.id, { enabled_events: ["*"], disabled: true });
      expect(updated.status).toBe("disabled");
      expect((await h.stripe.webhookEndpoints.list()).data.map((e) => e.id)).toEqual([endpoint.id]);
      expect(await h.stripe.webhookEndpoints.del(endpoint.id)).toMatchObject({ deleted: true });
      await expect(h.stripe.webhookEndpoints.create({ url: "not a url", enabled_events: ["*"] })).rejects.toMatchObject(
        { statusCode: 400 },
      );
    } finally {
      await endpointReceiver.close();
    }
  });

  it("sends events after the API response", async () => {
    const before = Date.now();
    const customer = await h.stripe.customers.create({});
    const responded = Date.now();
    const [webhook] = await receiver.waitFor(1);
    expect(webhook?.at).toBeGreaterThanOrEqual(before);
    expect(verify(webhook?.body ?? "", webhook?.headers["stripe-signature"]).data.object).toMatchObject({
      id: customer.id,
    });
    expect(responded).toBeLessThanOrEqual(webhook?.at ?? 0);
  });

  it("duplicates and reorders deliveries when chaos is on", async () => {
    await h.control.setChaos({ duplicateProbability: 1 });
    await h.stripe.products.create({ name: "Twice" });
    await receiver.waitFor(2);
    const ids = receiver.received.map((webhook) => verify(webhook.body, webhook.headers["stripe-signature"]).id);
    expect(ids[0]).toBe(ids[1]);
    expect((await h.control.deliveries()).filter((entry) => entry.duplicate)).toHaveLength(1);
    await h.control.setChaos({ duplicateProbability: 0, reorderWindowMs: 30 });
    expect(await h.control.getChaos()).toEqual({ duplicateProbability: 0, reorderWindowMs: 30, maxDelayMs: 0 });
    for (let index = 0; index < 10; index += 1) await h.stripe.products.create({ name: `p${index}` });
    await receiver.waitFor(12);
    expect(receiver.received.length).toBe(12);
  });
});
