import "../src/stack/pg-utc.ts";
import os from "node:os";
import path from "node:path";
import { mkdtempSync, chmodSync, rmSync } from "node:fs";
import pg from "pg";
import { startEmbeddedPostgres } from "@saas/db/embedded";
import { deployMigrations } from "@saas/db/migrate";
import { createDb } from "@saas/db/client";
import { handleStripeWebhook, createStripeClient, syncCustomerSubscriptions } from "@saas/billing";
import { startEmulatorProcess } from "../src/stack/start-emulator.ts";
import { freePort } from "@saas/db/embedded";

const N = Number(process.argv[2] ?? 300);
const dir = mkdtempSync(path.join(os.tmpdir(), "bd-")); chmodSync(dir, 0o755);
const db0 = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), persistent: false, database: "app" });
await deployMigrations(db0.url);
const emu = await startEmulatorProcess({ port: await freePort(), webhookSecret: "whsec_x" });
const stripe = createStripeClient({ secretKey: "sk_test_x", apiBase: emu.url });
const price = await stripe.prices.create({ currency: "usd", unit_amount: 900, recurring: { interval: "month" }, product_data: { name: "A" } });
const raw = new pg.Client({ connectionString: db0.url }); await raw.connect();
const custs: string[] = [];
for (let i = 0; i < 50; i++) {
  const c = await stripe.customers.create({ email: `x${i}@example.com`, payment_method: "pm_card_visa", invoice_settings: { default_payment_method: "pm_card_visa" } });
  await stripe.subscriptions.create({ customer: c.id, items: [{ price: price.id }] });
  await raw.query(`INSERT INTO users (id,email,password_hash,updated_at) VALUES ($1,$2,'x',now())`, [`u${i}`, `x${i}@example.com`]);
  await raw.query(`INSERT INTO accounts (id,user_id,stripe_customer_id,updated_at) VALUES ($1,$2,$3,now())`, [`a${i}`, `u${i}`, c.id]);
  custs.push(c.id);
}
const events = (await stripe.events.list({ limit: 100, type: "invoice.paid" })).data;
const db = createDb(db0.url);
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
async function measure(name: string, fn: (i: number) => Promise<unknown>) {
  for (let i = 0; i < 30; i++) await fn(i + 100000);
  const c0 = cpu(); const t0 = performance.now();
  for (let i = 0; i < N; i++) await fn(i);
  const wall = (performance.now() - t0) / N, c = (cpu() - c0) / N;
  console.log(`${name.padEnd(48)} wall ${wall.toFixed(2)} ms/op  cpu(this process) ${c.toFixed(2)} ms/op`);
}
const ev = (i: number) => { const e = events[i % events.length]!; return JSON.stringify({ ...e, id: `evt_bd_${i}_${Math.random()}` }); };
await measure("stripe.subscriptions.list (SDK, emulator)", (i) => stripe.subscriptions.list({ customer: custs[i % 50]!, status: "all", limit: 100, expand: ["data.items.data.price"] }));
await measure("constructEvent (verify)", async (i) => { const p = ev(i); stripe.webhooks.constructEvent(p, stripe.webhooks.generateTestHeaderString({ payload: p, secret: "whsec_x" }), "whsec_x"); });
await measure("prisma: account.findUnique (no tx)", (i) => db.account.findUnique({ where: { stripeCustomerId: custs[i % 50]! }, select: { id: true } }));
await measure("pg: same SELECT", (i) => raw.query(`SELECT id FROM accounts WHERE stripe_customer_id = $1`, [custs[i % 50]!]));
await measure("prisma: empty $transaction", () => db.$transaction(async () => {}));
await measure("prisma: tx + syncCustomerSubscriptions", (i) => db.$transaction((tx) => syncCustomerSubscriptions(tx, stripe, custs[i % 50]!)));
await measure("handleStripeWebhook (invoice.paid, full)", async (i) => {
  const p = ev(i);
  const r = await handleStripeWebhook({ db, stripe, secrets: ["whsec_x"], livemode: false }, { rawBody: p, signature: stripe.webhooks.generateTestHeaderString({ payload: p, secret: "whsec_x" }) });
  if (r.status !== 200) throw new Error(JSON.stringify(r));
});
await db.$disconnect(); await raw.end(); await emu.stop(); await db0.stop(); rmSync(dir, { recursive: true, force: true });
