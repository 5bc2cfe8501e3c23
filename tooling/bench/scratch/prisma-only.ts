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
for (let i = 0; i < 300; i++) await db.account.findUnique({ where: { stripeCustomerId: `cus_${i % 50}` }, select: { id: true } });
const { Session } = await import("node:inspector/promises");
const session = new Session(); session.connect();
await session.post("Profiler.enable"); await session.post("Profiler.start");
const t0 = performance.now(); const c0 = process.cpuUsage();
for (let i = 0; i < N; i++) await db.account.findUnique({ where: { stripeCustomerId: `cus_${i % 50}` }, select: { id: true } });
const c = process.cpuUsage(c0);
console.log("wall/op", ((performance.now() - t0) / N).toFixed(3), "cpu/op", ((c.user + c.system) / 1000 / N).toFixed(3), "user", (c.user/1000/N).toFixed(3), "sys", (c.system/1000/N).toFixed(3));
const { profile } = await session.post("Profiler.stop");
const { writeFileSync } = await import("node:fs");
writeFileSync("/tmp/prisma-only.cpuprofile", JSON.stringify(profile));
await db.$disconnect(); await raw.end(); await db0.stop(); rmSync(dir, { recursive: true, force: true });
