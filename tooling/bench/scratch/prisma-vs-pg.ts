import os from "node:os";
import path from "node:path";
import { mkdtempSync, chmodSync, rmSync } from "node:fs";
import pg from "pg";
import { startEmbeddedPostgres } from "@saas/db/embedded";
import { deployMigrations } from "@saas/db/migrate";
import { createDb } from "@saas/db/client";
const N = Number(process.argv[2] ?? 2000);
const dir = mkdtempSync(path.join(os.tmpdir(), "pp-")); chmodSync(dir, 0o755);
const db0 = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), persistent: false, database: "app", unsafeFast: true });
await deployMigrations(db0.url);
const raw = new pg.Client({ connectionString: db0.url }); await raw.connect();
for (let i = 0; i < 50; i++) {
  await raw.query(`INSERT INTO users (id,email,password_hash,updated_at) VALUES ($1,$2,'x',now())`, [`u${i}`, `x${i}@example.com`]);
  await raw.query(`INSERT INTO accounts (id,user_id,stripe_customer_id,updated_at) VALUES ($1,$2,$3,now())`, [`a${i}`, `u${i}`, `cus_${i}`]);
}
const db = createDb(db0.url);
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
async function measure(name: string, fn: (i: number) => Promise<unknown>) {
  for (let i = 0; i < 300; i++) await fn(i);
  for (let round = 0; round < 3; round++) {
    const c0 = cpu(); const t0 = performance.now();
    for (let i = 0; i < N; i++) await fn(i);
    console.log(`${name.padEnd(44)} wall ${((performance.now() - t0) / N).toFixed(3)} ms/op  cpu ${((cpu() - c0) / N).toFixed(3)} ms/op`);
  }
}
await measure("prisma account.findUnique", (i) => db.account.findUnique({ where: { stripeCustomerId: `cus_${i % 50}` }, select: { id: true } }));
await measure("prisma $queryRaw SELECT", (i) => db.$queryRaw`SELECT id FROM accounts WHERE stripe_customer_id = ${`cus_${i % 50}`}`);
await measure("pg SELECT", (i) => raw.query(`SELECT id FROM accounts WHERE stripe_customer_id = $1`, [`cus_${i % 50}`]));
const pool = new pg.Pool({ connectionString: db0.url, max: 10 });
await measure("pg pool SELECT", (i) => pool.query(`SELECT id FROM accounts WHERE stripe_customer_id = $1`, [`cus_${i % 50}`]));
await pool.end(); await db.$disconnect(); await raw.end(); await db0.stop(); rmSync(dir, { recursive: true, force: true });
