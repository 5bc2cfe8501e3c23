// Per-test-file databases cloned from the migrated template made by global-setup.ts.
// Add `globalSetup: ["@saas/db/testing/global-setup"]` to a package's vitest config.
import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { createDb } from "../client.ts";
import type { PrismaClient } from "../generated/prisma/client.ts";
import { adminQuery, quoteIdent, withDatabase } from "../pg-helpers.ts";
import { TEMPLATE_DATABASE } from "./constants.ts";
import "./provided-context.ts";

export type TestDatabase = { url: string; db: PrismaClient; drop(): Promise<void> };

/** A database of its own for one test file: migrated, or `empty` (no tables) for migration tests. */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const adminUrl = inject("pgAdminUrl");
  const name = `test_${randomBytes(6).toString("hex")}`;
  const template = options.empty ? "template0" : TEMPLATE_DATABASE;
  await adminQuery(adminUrl, `CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)}`);
  const url = withDatabase(adminUrl, name);
  const db = createDb(url);
  return {
    url,
    db,
    async drop() {
      await db.$disconnect();
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    },
  };
}
