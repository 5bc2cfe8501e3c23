import { startEmulator } from "@saas/stripe-emulator";
import Stripe from "stripe";
const emulator = await startEmulator({ realTimeTickMs: 0 });
const stripe = new Stripe("sk_test_x", { host: "127.0.0.1", port: emulator.port, protocol: "http", maxNetworkRetries: 2 });
const price = await stripe.prices.create({ currency: "usd", unit_amount: 900, recurring: { interval: "month" }, product_data: { name: "A" }, lookup_key: "a" });
const c = await stripe.customers.create({ email: "x@example.com", payment_method: "pm_card_visa", invoice_settings: { default_payment_method: "pm_card_visa" } });
const s = await stripe.subscriptions.create({ customer: c.id, items: [{ price: price.id }] });
async function time(name: string, fn: () => Promise<unknown>) {
  for (let i = 0; i < 50; i++) await fn();
  const xs: number[] = [];
  for (let i = 0; i < 300; i++) { const t = performance.now(); await fn(); xs.push(performance.now() - t); }
  xs.sort((a, b) => a - b);
  console.log(name, "p50", xs[150]!.toFixed(2), "p99", xs[296]!.toFixed(2));
}
await time("retrieve", () => stripe.customers.retrieve(c.id));
await time("sub.list", () => stripe.subscriptions.list({ customer: c.id, status: "all", limit: 100, expand: ["data.items.data.price"] }));
await time("sub.list noexpand", () => stripe.subscriptions.list({ customer: c.id, status: "all", limit: 100 }));
await time("portal", () => stripe.billingPortal.sessions.create({ customer: c.id, return_url: "http://x/y" }));
const r = await fetch(`${emulator.url}/v1/subscriptions?customer=${c.id}&status=all&limit=100`, { headers: { authorization: "Bearer sk_test_x" } });
console.log(r.headers);
await emulator.stop();
