import "../src/stack/pg-utc.ts";
import os from "node:os";
import path from "node:path";
import { mkdtempSync, chmodSync, rmSync } from "node:fs";
import pg from "pg";
import Stripe from "stripe";
import { startEmulator } from "@saas/stripe-emulator";
import { startEmbeddedPostgres } from "@saas/db/embedded";
import { deployMigrations } from "@saas/db/migrate";
import { createDb } from "@saas/db/client";
import { handleStripeWebhook, createStripeClient } from "@saas/billing";

const dir = mkdtempSync(path.join(os.tmpdir(), "cq-")); chmodSync(dir, 0o755);
const db0 = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), persistent: false, database: "app", unsafeFast: true });
await deployMigrations(db0.url);
const emulator = await startEmulator({ realTimeTickMs: 0, webhookSecret: "whsec_x" });
const stripe = createStripeClient({ secretKey: "sk_test_x", apiBase: emulator.url });
const price = await stripe.prices.create({ currency: "usd", unit_amount: 900, recurring: { interval: "month" }, product_data: { name: "A" } });
const c = await stripe.customers.create({ email: "x@example.com", payment_method: "pm_card_visa", invoice_settings: { default_payment_method: "pm_card_visa" } });
await stripe.subscriptions.create({ customer: c.id, items: [{ price: price.id }] });
const raw = new pg.Client({ connectionString: db0.url }); await raw.connect();
await raw.query(`INSERT INTO users (id,email,password_hash,updated_at) VALUES ('u1','x@example.com','x',now())`);
await raw.query(`INSERT INTO accounts (id,user_id,stripe_customer_id,updated_at) VALUES ('a1','u1',$1,now())`, [c.id]);
const log: string[] = [];
const orig = pg.Client.prototype.query;
(pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown }).query = function (this: pg.Client, ...args: unknown[]) {
  const q = args[0]; log.push(typeof q === "string" ? q : (q as { text?: string }).text ?? "?");
  return (orig as (...a: unknown[]) => unknown).apply(this, args);
};
const db = createDb(db0.url);
const events = (await stripe.events.list({ limit: 100 })).data.filter((e) => ["customer.subscription.created", "invoice.paid", "customer.subscription.updated"].includes(e.type));
for (const e of [...events, events[0]!]) {
  log.length = 0;
  const payload = JSON.stringify(e);
  const res = await handleStripeWebhook({ db, stripe, secrets: ["whsec_x"], livemode: false }, { rawBody: payload, signature: stripe.webhooks.generateTestHeaderString({ payload, secret: "whsec_x" }) });
  console.log(e.type, res.body.outcome, log.length, "queries");
  for (const l of log) console.log("   ", l.replace(/\s+/g, " ").slice(0, 150));
}
await db.$disconnect(); await raw.end(); await emulator.stop(); await db0.stop(); rmSync(dir, { recursive: true, force: true });
