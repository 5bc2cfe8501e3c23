// Vitest global setup: one throwaway PostgreSQL server per test run, with the schema
// migrated once into a template database that each test file clones (fast and isolated).
import type { TestProject } from "vitest/node";
import { scratchDataDir, startEmbeddedPostgres } from "../embedded-postgres.ts";
import { deployMigrations } from "../migrate/index.ts";
import { TEMPLATE_DATABASE } from "./constants.ts";
import "./provided-context.ts";

export default async function setup(project: TestProject) {
  const server = await startEmbeddedPostgres({
    dataDir: await scratchDataDir("saas-test-pg-"),
    persistent: false,
    database: TEMPLATE_DATABASE,
    unsafeFast: true,
  });
  await deployMigrations(server.url);
  project.provide("pgAdminUrl", server.adminUrl);
  return () => server.stop();
}
