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

/**
 * Budgets a shared test machine can keep: several suites run at
 * once on two cores, and a concurrency test's burst (100 parallel log-ins, 50 deliveries of
 * one event) must measure the code's correctness, not the machine's load. The fail-fast
 * budgets themselves are tested with explicit, short limits (client.test.ts, resilience.test.ts).
 */
const TEST_DB_OPTIONS = { connectionTimeoutMs: 30_000, statementTimeoutMs: 30_000 } as const;

/** A database of its own for one test file: migrated, or `empty` (no tables) for migration tests. */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const adminUrl = inject("pgAdminUrl");
  const name = `test_${randomBytes(6).toString("hex")}`;
  const template = options.empty ? "template0" : TEMPLATE_DATABASE;
  await adminQuery(adminUrl, `CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)}`);
  const url = withDatabase(adminUrl, name);
  const db = createDb(url, TEST_DB_OPTIONS);
  return {
    url,
    db,
    async drop() {
      await db.$disconnect();
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    },
  };
}

/** Holds one pooled connection in an open transaction until released. */
export async function holdConnection(db: PrismaClient): Promise<() => Promise<void>> {
  let release = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  let opened = () => {};
  const open = new Promise<void>((resolve) => (opened = resolve));
  const held = db.$transaction(
    async (tx) => {
      await tx.$queryRaw`SELECT 1`;
      opened();
      await gate;
    },
    { maxWait: 20_000, timeout: 60_000 },
  );
  await Promise.race([open, held]);
  return async () => {
    release();
    await held;
  };
}
