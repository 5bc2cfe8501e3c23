// Offline equivalents of `prisma migrate deploy | dev --create-only | status` and a drift
// check, over the standard migrations folder and `_prisma_migrations` table.
import { Logger, runMigrations as runQueueMigrations } from "graphile-worker";
import type { HistoryDiagnostic, MigrationList, SchemaContainer, SchemaFilter } from "@prisma/schema-engine-wasm";
import { openSchemaEngine, type EngineHandle } from "./engine.ts";
import { readMigrationList, readSchema, writeMigration } from "./migrations-folder.ts";

export { migrationsDir, schemaPath } from "./migrations-folder.ts";

const filters: SchemaFilter = { externalTables: [], externalEnums: [] };

/** Where the schema and migrations live; the package's own by default (tests point elsewhere). */
export type MigrationPaths = { schemaPath?: string; migrationsDir?: string };

export class MigrationError extends Error {
  override name = "MigrationError";
}

async function withEngine<T>(
  databaseUrl: string,
  paths: MigrationPaths,
  run: (handle: EngineHandle, migrationsList: MigrationList, schema: SchemaContainer) => Promise<T>,
): Promise<T> {
  const schema = await readSchema(paths.schemaPath);
  const migrationsList = await readMigrationList(paths.migrationsDir);
  const handle = await openSchemaEngine(databaseUrl, schema);
  try {
    return await run(handle, migrationsList, schema);
  } catch (error) {
    const panic = handle.lastPanic();
    if (panic) throw new MigrationError(`schema engine panicked: ${panic}`, { cause: error });
    throw error;
  } finally {
    await handle.close();
  }
}

/**
 * Applies pending migrations, like `prisma migrate deploy`, then brings the job queue's own
 * schema (graphile-worker's, created by graphile-worker itself) up to date. Returns the
 * names of the project's migrations it applied.
 */
export async function deployMigrations(databaseUrl: string, paths: MigrationPaths = {}): Promise<string[]> {
  const applied = await withEngine(databaseUrl, paths, async ({ engine }, migrationsList) => {
    const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters });
    return appliedMigrationNames;
  });
  await runQueueMigrations({ connectionString: databaseUrl, logger: SILENT_LOGGER });
  return applied;
}

const SILENT_LOGGER = new Logger(() => () => {});

export type MigrationStatus = {
  applied: string[];
  pending: string[];
  failed: string[];
  edited: string[];
  history: HistoryDiagnostic | null;
};

export async function migrationStatus(databaseUrl: string, paths: MigrationPaths = {}): Promise<MigrationStatus> {
  return withEngine(databaseUrl, paths, async ({ engine }, migrationsList) => {
    const result = await engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters });
    const pending =
      result.history?.diagnostic === "databaseIsBehind" || result.history?.diagnostic === "historiesDiverge"
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
 * has no change to migrate.
 *
 * The wasm engine's own createMigration cannot reach a shadow database once migrations
 * exist ("shadow DB must be provided through an external factory"), so the script comes
 * from `diff`, which is what createMigration renders too.
 */
export async function createMigration(
  databaseUrl: string,
  name: string,
  paths: MigrationPaths = {},
): Promise<{ name: string; folder: string } | null> {
  if (!/^[a-z0-9_]+$/i.test(name))
    throw new MigrationError(`migration name "${name}" may only contain letters, digits and _`);
  const script = await diffMigrationsToSchema(databaseUrl, paths);
  if (!script) return null;
  const folderName = `${migrationTimestamp(new Date())}_${name}`;
  const folder = await writeMigration(folderName, script, paths.migrationsDir);
  return { name: folderName, folder };
}

/** Null when the migrations produce exactly schema.prisma; otherwise the SQL that would close the gap. */
export async function checkMigrations(databaseUrl: string, paths: MigrationPaths = {}): Promise<string | null> {
  return diffMigrationsToSchema(databaseUrl, paths);
}

async function diffMigrationsToSchema(databaseUrl: string, paths: MigrationPaths): Promise<string | null> {
  return withEngine(databaseUrl, paths, async ({ engine }, migrationsList, schema) => {
    const result = await engine.diff({
      // Replaying no migrations on a shadow database is an error: start from nothing instead.
      from: migrationsList.migrationDirectories.length ? { tag: "migrations", ...migrationsList } : { tag: "empty" },
      to: { tag: "schemaDatamodel", files: [schema] },
      script: true,
      exitCode: true,
      filters,
    });
    return result.exitCode === 0 ? null : (result.stdout ?? "");
  });
}

/** Prisma's folder prefix: the UTC time as YYYYMMDDHHMMSS. */
function migrationTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, "").slice(0, 14);
}
