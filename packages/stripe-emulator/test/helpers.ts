// Test harness: an emulator on a free port, the official SDK pointed at it, and a webhook receiver.
import { createServer, type IncomingHttpHeaders } from "node:http";
import Stripe from "stripe";
import { EmulatorControlClient } from "../src/control-client.ts";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../src/server.ts";

export interface Harness {
  emulator: RunningEmulator;
  stripe: Stripe;
  control: EmulatorControlClient;
}

export function sdkFor(
  emulator: RunningEmulator,
  key = "sk_test_emulator",
  extra: Partial<Stripe.StripeConfig> = {},
): Stripe {
  return new Stripe(key, { host: "127.0.0.1", port: emulator.port, protocol: "http", maxNetworkRetries: 0, ...extra });
}

/** The rate limit is off unless a test asks for it: the suites' sequential calls outrun 25 a second. */
export async function startHarness(options: EmulatorOptions = {}): Promise<Harness> {
  const emulator = await startEmulator({
    realTimeTickMs: 0,
    settings: { clockAdvanceDelayMs: 5 },
    rateLimit: "off",
    ...options,
  });
  return { emulator, stripe: sdkFor(emulator), control: new EmulatorControlClient(emulator.url) };
}

interface ReceivedWebhook {
  body: string;
  headers: IncomingHttpHeaders;
  at: number;
}

export interface Receiver {
  url: string;
  received: ReceivedWebhook[];
  /** Status to answer with; a function lets a test fail the first attempts. */
  respond: (webhook: ReceivedWebhook, index: number) => number;
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const receiver: Receiver = {
    url: "",
    received: [],
    respond: () => 200,
    async waitFor(count, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (receiver.received.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} webhooks, got ${receiver.received.length}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return receiver.received;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const webhook = { body: Buffer.concat(chunks).toString("utf8"), headers: request.headers, at: Date.now() };
      const index = receiver.received.length;
      receiver.received.push(webhook);
      response.writeHead(receiver.respond(webhook, index)).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("receiver has no port");
  receiver.url = `http://127.0.0.1:${address.port}/webhooks`;
  return receiver;
}

export async function createPlan(
  stripe: Stripe,
  amount = 1_000,
  interval: Stripe.PriceCreateParams.Recurring.Interval = "month",
) {
  const product = await stripe.products.create({ name: "Pro" });
  const price = await stripe.prices.create({
    product: product.id,
    currency: "usd",
    unit_amount: amount,
    recurring: { interval },
  });
  return { product, price };
}

export async function waitUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Advances a test clock and waits until it is ready again. */
export async function advanceClock(
  stripe: Stripe,
  clockId: string,
  frozenTime: number,
): Promise<Stripe.TestHelpers.TestClock> {
  await stripe.testHelpers.testClocks.advance(clockId, { frozen_time: frozenTime });
  return waitUntil(
    () => stripe.testHelpers.testClocks.retrieve(clockId),
    (clock) => clock.status === "ready",
  );
}

/** Event types for one object (or all), oldest first. */
export async function eventTypes(
  stripe: Stripe,
  filter: (event: Stripe.Event) => boolean = () => true,
): Promise<string[]> {
  const events: Stripe.Event[] = [];
  for await (const event of stripe.events.list({ limit: 100 })) events.push(event);
  return events
    .reverse()
    .filter(filter)
    .map((event) => event.type);
}
