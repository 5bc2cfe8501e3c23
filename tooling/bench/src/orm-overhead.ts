// `pnpm --filter @saas/bench orm`: what one query costs the Node process through the
// app's Prisma client against node-postgres, on a throwaway PostgreSQL. The webhook
// issues 7-8 queries per event, so this per-query cost is most of its CPU.
import { startEmbeddedPostgres, scratchDataDir } from "@saas/db/embedded";
import { createDb } from "@saas/db/client";
import { deployMigrations } from "@saas/db/migrate";
import { rmSync } from "node:fs";
import pg from "pg";

const ROUNDS = 3;
const PER_ROUND = Number(process.argv[2] ?? 2_000);

const cpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

async function measure(name: string, query: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 500; i++) await query(i); // warm the JIT and the connection
  const rounds: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const cpu = cpuMs();
    const started = performance.now();
    for (let i = 0; i < PER_ROUND; i++) await query(i);
    const cpuPerQuery = (cpuMs() - cpu) / PER_ROUND;
    const wallPerQuery = (performance.now() - started) / PER_ROUND;
    rounds.push(`${cpuPerQuery.toFixed(3)} ms CPU, ${wallPerQuery.toFixed(3)} ms wall`);
  }
  console.log(`${name.padEnd(46)} ${rounds.join("  |  ")}`);
}

const scratch = await scratchDataDir("saas-bench-orm-");
const server = await startEmbeddedPostgres({ dataDir: scratch, persistent: false, database: "app" });
const raw = new pg.Client({ connectionString: server.url });
const db = createDb(server.url);
try {
  await deployMigrations(server.url);
  await raw.connect();
  await raw.query(
    `INSERT INTO users (id, email, password_hash, updated_at)
     SELECT 'u' || i, 'u' || i || '@example.com', 'x', now() FROM generate_series(0, 49) AS i`,
  );
  await raw.query(
    `INSERT INTO organizations (id, name, slug, updated_at)
     SELECT 'o' || i, 'Org ' || i, 'org-' || i, now() FROM generate_series(0, 49) AS i`,
  );
  await raw.query(
    `INSERT INTO memberships (id, user_id, organization_id, role)
     SELECT 'm' || i, 'u' || i, 'o' || i, 'owner'::membership_role FROM generate_series(0, 49) AS i`,
  );
  await raw.query(
    `INSERT INTO accounts (id, organization_id, stripe_customer_id, updated_at)
     SELECT 'a' || i, 'o' || i, 'cus_' || i, now() FROM generate_series(0, 49) AS i`,
  );
  console.log(
    `per query, sequential, ${ROUNDS} rounds of ${PER_ROUND} (the same SELECT of one account by stripe_customer_id):`,
  );
  await measure("Prisma: account.findUnique", (i) =>
    db.account.findUnique({ where: { stripeCustomerId: `cus_${i % 50}` }, select: { id: true } }),
  );
  await measure(
    "Prisma: $queryRaw",
    (i) => db.$queryRaw`SELECT id FROM accounts WHERE stripe_customer_id = ${`cus_${i % 50}`}`,
  );
  await measure("node-postgres: client.query", (i) =>
    raw.query(`SELECT id FROM accounts WHERE stripe_customer_id = $1`, [`cus_${i % 50}`]),
  );
} finally {
  await db.$disconnect();
  await raw.end().catch(() => {});
  await server.stop();
  rmSync(scratch, { recursive: true, force: true });
}
