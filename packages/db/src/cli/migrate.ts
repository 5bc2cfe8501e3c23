// pnpm db:migrate | db:migrate:create --name <name> | db:status | db:check
import path from "node:path";
import { parseArgs } from "node:util";
import { scratchDataDir, startEmbeddedPostgres } from "../embedded-postgres.ts";
import { environment } from "@saas/env";
import { openAppDatabase, readDatabaseEnv, repoRoot } from "../dev-database.ts";
import {
  checkMigrations,
  createMigration,
  deployMigrations,
  migrationStatus,
  migrationsDir,
} from "../migrate/index.ts";
import { redactUrl } from "../pg-helpers.ts";

const databaseSettings = readDatabaseEnv(environment(repoRoot));
const { positionals, values } = parseArgs({ allowPositionals: true, options: { name: { type: "string" } } });
const command = positionals[0];
const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(2)} s`;

/** create and check replay the migrations on a throwaway server, so they never touch real data. */
async function withScratchDatabase<T>(run: (url: string) => Promise<T>): Promise<T> {
  const dataDir = await scratchDataDir("saas-db-scratch-");
  const server = await startEmbeddedPostgres({ dataDir, persistent: false, database: "scratch", unsafeFast: true });
  try {
    return await run(server.url);
  } finally {
    await server.stop();
  }
}

async function withAppDatabase<T>(run: (url: string) => Promise<T>): Promise<T> {
  const database = await openAppDatabase(databaseSettings);
  try {
    console.log(
      `database: ${database.embedded ? `embedded PostgreSQL (${database.embedded.dataDir})` : redactUrl(database.url)}`,
    );
    return await run(database.url);
  } finally {
    await database.stop();
  }
}

async function main(): Promise<number> {
  switch (command) {
    case "deploy": {
      const applied = await withAppDatabase(deployMigrations);
      console.log(
        applied.length ? `applied ${applied.length} migration(s): ${applied.join(", ")}` : "no pending migrations",
      );
      console.log(`done in ${elapsed()}`);
      return 0;
    }
    case "status": {
      const status = await withAppDatabase(migrationStatus);
      console.log(`${status.applied.length} applied, ${status.pending.length} pending (${migrationsDir})`);
      for (const name of status.pending) console.log(`  pending: ${name}`);
      for (const name of status.failed) console.log(`  failed: ${name}`);
      for (const name of status.edited) console.log(`  edited after being applied: ${name}`);
      if (status.history?.diagnostic === "migrationsDirectoryIsBehind") {
        console.log(`  applied but missing from the folder: ${status.history.unpersistedMigrationNames.join(", ")}`);
      }
      console.log(`done in ${elapsed()}`);
      return status.pending.length || status.failed.length ? 1 : 0;
    }
    case "create": {
      if (!values.name) {
        console.error("usage: pnpm db:migrate:create --name <name>");
        return 2;
      }
      const name = values.name;
      const created = await withScratchDatabase((url) => createMigration(url, name));
      console.log(
        created
          ? `created ${path.relative(process.cwd(), created.folder)}/migration.sql`
          : "schema.prisma has no change to migrate",
      );
      console.log(`done in ${elapsed()}`);
      return 0;
    }
    case "check": {
      const difference = await withScratchDatabase(checkMigrations);
      console.log(`done in ${elapsed()}`);
      if (!difference) {
        console.log("schema.prisma and prisma/migrations agree");
        return 0;
      }
      console.error("schema.prisma differs from what prisma/migrations produce. Create a migration with:");
      console.error("  pnpm db:migrate:create --name <what_changed>\n");
      console.error(difference);
      return 1;
    }
    default:
      console.error("usage: migrate.ts deploy | create --name <name> | status | check");
      return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
