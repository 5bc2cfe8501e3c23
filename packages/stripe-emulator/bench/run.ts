// Benchmark: SDK retrieve latency (sequential) and webhook deliveries per second to a no-op receiver.
import { createServer } from "node:http";
import Stripe from "stripe";
import { buildCustomer } from "../src/billing/customer-factory.ts";
import { startEmulator } from "../src/server.ts";

const RETRIEVES = Number(process.env.BENCH_RETRIEVES ?? 2_000);
const WEBHOOKS = Number(process.env.BENCH_WEBHOOKS ?? 5_000);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function retrieveLatency(): Promise<void> {
  // The emulator's own speed, not Stripe's limit of 25 requests a second.
  const emulator = await startEmulator({ realTimeTickMs: 0, rateLimit: "off" });
  const stripe = new Stripe("sk_test_bench", {
    host: "127.0.0.1",
    port: emulator.port,
    protocol: "http",
    maxNetworkRetries: 0,
  });
  const customer = await stripe.customers.create({ email: "bench@example.com", metadata: { userId: "bench" } });
  for (let index = 0; index < 200; index += 1) await stripe.customers.retrieve(customer.id);
  const samples: number[] = [];
  for (let index = 0; index < RETRIEVES; index += 1) {
    const started = performance.now();
    await stripe.customers.retrieve(customer.id);
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  const p50 = percentile(samples, 50).toFixed(3);
  const p99 = percentile(samples, 99).toFixed(3);
  console.log(`customers.retrieve x${RETRIEVES} (sequential, SDK): p50 ${p50} ms, p99 ${p99} ms`);
  await emulator.stop();
}

async function webhookThroughput(): Promise<void> {
  let received = 0;
  const receiver = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      received += 1;
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", () => resolve()));
  const address = receiver.address();
  if (address === null || typeof address === "string") throw new Error("receiver has no port");
  const emulator = await startEmulator({
    realTimeTickMs: 0,
    forwardTo: `http://127.0.0.1:${address.port}/hook`,
    webhookSecret: "whsec_bench",
  });
  const started = performance.now();
  // Distinct objects, so per-object ordering does not serialize the deliveries.
  for (let index = 0; index < WEBHOOKS; index += 1)
    emulator.app.events.emit("customer.created", buildCustomer(Math.floor(Date.now() / 1000), null));
  await emulator.deliveriesIdle();
  const seconds = (performance.now() - started) / 1000;
  const ok = emulator.dispatcher.log.filter((entry) => entry.ok).length;
  console.log(
    `webhook deliveries: ${ok}/${WEBHOOKS} ok (receiver saw ${received}) in ${seconds.toFixed(2)} s ` +
      `→ ${Math.round(ok / seconds)} deliveries/s`,
  );
  await emulator.stop();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
}

await retrieveLatency();
await webhookThroughput();
