// Offline equivalents of `prisma migrate deploy | dev --create-only | status` and a drift
// check, over the standard migrations folder and `_prisma_migrations` table.
import type { HistoryDiagnostic, SchemaFilter } from "@prisma/schema-engine-wasm";
import { openSchemaEngine, type EngineHandle } from "./engine.ts";
import { readMigrationList, readSchema, writeMigration } from "./migrations-folder.ts";

export { migrationsDir, schemaPath } from "./migrations-folder.ts";

const filters: SchemaFilter = { externalTables: [], externalEnums: [] };

export class MigrationError extends Error {
  override name = "MigrationError";
}

async function withEngine<T>(databaseUrl: string, run: (handle: EngineHandle) => Promise<T>): Promise<T> {
  const handle = await openSchemaEngine(databaseUrl, await readSchema());
  try {
    return await run(handle);
  } catch (error) {
    const panic = handle.lastPanic();
    if (panic) throw new MigrationError(`schema engine panicked: ${panic}`, { cause: error });
    throw error;
  } finally {
    await handle.close();
  }
}

/** Applies pending migrations, like `prisma migrate deploy`. Returns their names. */
export async function deployMigrations(databaseUrl: string): Promise<string[]> {
  return withEngine(databaseUrl, async ({ engine }) => {
    const migrationsList = await readMigrationList();
    const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters });
    return appliedMigrationNames;
  });
}

export type MigrationStatus = {
  applied: string[];
  pending: string[];
  failed: string[];
  edited: string[];
  history: HistoryDiagnostic | null;
};

export async function migrationStatus(databaseUrl: string): Promise<MigrationStatus> {
  return withEngine(databaseUrl, async ({ engine }) => {
    const migrationsList = await readMigrationList();
    const result = await engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters });
    const pending = result.history?.diagnostic === "databaseIsBehind" || result.history?.diagnostic === "historiesDiverge"
      ? result.history.unappliedMigrationNames
      : [];
    const all = migrationsList.migrationDirectories.map((d) => d.path);
    return {
      applied: all.filter((name) => !pending.includes(name)),
      pending,
      failed: result.failedMigrationNames,
      edited: result.editedMigrationNames,
      history: result.history,
    };
  });
}

/**
 * Writes a new migration from the difference between the migrations folder and
 * schema.prisma, like `prisma migrate dev --create-only`. Returns null when the schema
 * has no change to migrate. Run it against an empty database: the engine refuses when
 * the database has drifted from the migrations.
 */
export async function createMigration(databaseUrl: string, name: string): Promise<{ name: string; folder: string } | null> {
  if (!/^[a-z0-9_]+$/i.test(name)) throw new MigrationError(`migration name "${name}" may only contain letters, digits and _`);
  return withEngine(databaseUrl, async ({ engine }) => {
    const migrationsList = await readMigrationList();
    // devDiagnostic fills a cache createMigration depends on, and detects drift.
    const { action } = await engine.devDiagnostic({ migrationsList, filters });
    if (action.tag === "reset") throw new MigrationError(`the database has drifted from the migrations: ${action.reason}`);
    const schema = await readSchema();
    const result = await engine.createMigration({
      draft: false,
      migrationName: name,
      migrationsList,
      schema: { files: [schema] },
      filters,
    });
    if (!result.migrationScript) return null;
    const folder = await writeMigration(result.generatedMigrationName, result.migrationScript);
    return { name: result.generatedMigrationName, folder };
  });
}

/** Null when the migrations produce exactly schema.prisma; otherwise a readable summary of the difference. */
export async function checkMigrations(databaseUrl: string): Promise<string | null> {
  return withEngine(databaseUrl, async ({ engine }) => {
    const migrationsList = await readMigrationList();
    const schema = await readSchema();
    const result = await engine.diff({
      from: { tag: "migrations", ...migrationsList },
      to: { tag: "schemaDatamodel", files: [schema] },
      script: true,
      exitCode: true,
      filters,
    });
    return result.exitCode === 0 ? null : (result.stdout ?? "schema.prisma and the migrations differ");
  });
}
