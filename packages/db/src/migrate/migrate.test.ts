import { createHash } from "node:crypto";
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../testing/index.ts";
import {
  checkMigrations,
  createMigration,
  deployMigrations,
  migrationStatus,
  migrationsDir,
  schemaPath,
} from "./index.ts";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase({ empty: true });
});
afterAll(() => database.drop());

async function query<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe("deploy", () => {
  it("reports every migration as pending on an empty database", async () => {
    const status = await migrationStatus(database.url);
    const folders = (await readdir(migrationsDir, { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect(status.pending).toEqual(folders.sort());
  });

  it("applies the migrations and records them as prisma migrate deploy does", async () => {
    const applied = await deployMigrations(database.url);
    expect(applied.length).toBeGreaterThan(0);

    const tables = await query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining([
        "_prisma_migrations",
        "accounts",
        "subscriptions",
        "webhook_log",
        "users",
        "sessions",
        "notifications",
      ]),
    );

    const rows = await query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      applied_steps_count: number;
      rolled_back_at: Date | null;
    }>(
      "SELECT migration_name, checksum, finished_at, applied_steps_count, rolled_back_at " +
        "FROM _prisma_migrations ORDER BY migration_name",
    );
    expect(rows.map((r) => r.migration_name)).toEqual(applied);
    for (const row of rows) {
      const sql = await readFile(path.join(migrationsDir, row.migration_name, "migration.sql"));
      expect(row.checksum).toBe(createHash("sha256").update(sql).digest("hex"));
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.applied_steps_count).toBe(1);
      expect(row.rolled_back_at).toBeNull();
    }
  });

  it("applies nothing the second time and reports nothing pending", async () => {
    expect(await deployMigrations(database.url)).toEqual([]);
    expect((await migrationStatus(database.url)).pending).toEqual([]);
  });
});

describe("check and create", () => {
  it("agrees with the committed schema", async () => {
    expect(await checkMigrations(database.url)).toBeNull();
  });

  it("fails on a schema change without a migration, and passes once one is created", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "saas-migrations-"));
    const paths = { schemaPath: path.join(dir, "schema.prisma"), migrationsDir: path.join(dir, "migrations") };
    await cp(migrationsDir, paths.migrationsDir, { recursive: true });
    const schema = await readFile(schemaPath, "utf8");
    await writeFile(paths.schemaPath, schema.replace("model User {", "model User {\n  nickname String?"));
    const scratch = await createTestDatabase({ empty: true });
    try {
      const difference = await checkMigrations(scratch.url, paths);
      expect(difference).toMatch(/ALTER TABLE "users" ADD COLUMN\s+"nickname" TEXT/);

      const created = await createMigration(scratch.url, "add_nickname", paths);
      expect(created?.name).toMatch(/^\d{14}_add_nickname$/);
      const sql = await readFile(path.join(created?.folder ?? "", "migration.sql"), "utf8");
      expect(sql).toContain('"nickname"');

      expect(await checkMigrations(scratch.url, paths)).toBeNull();
      expect(await createMigration(scratch.url, "nothing_new", paths)).toBeNull();
    } finally {
      await scratch.drop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("refuses a migration name that is not a plain identifier", async () => {
    await expect(createMigration(database.url, "drop table; --")).rejects.toThrow(/may only contain/);
  });
});
