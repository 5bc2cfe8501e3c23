// The one Vitest set-up of the workspace: Vitest specs are `*.test.ts(x)` inside the
// package's sources (Playwright's `*.spec.ts` under tests/e2e are never picked up), and
// suites that need PostgreSQL share one throwaway server per run.
// Plain JavaScript: Vitest loads its configuration's dependencies with Node itself.
import { defineConfig, mergeConfig } from "vitest/config";

const DATABASE_SETUP = "@saas/db/testing/global-setup";

/** @type {typeof import("./index.d.ts").defineSuite} */
export function defineSuite(options = {}) {
  const database = options.database === true ? DATABASE_SETUP : options.database;
  /** @type {NonNullable<import("vitest/config").ViteUserConfig["test"]>} */
  const test = {
    include: options.include ?? ["src/**/*.test.ts"],
    exclude: ["**/node_modules/**", "tests/e2e/**"],
    // A real database (and often the Stripe emulator) sits under these tests; on a shared
    // two-core machine a test may take seconds without being stuck.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    ...(database ? { globalSetup: [database] } : {}),
  };
  return mergeConfig(defineConfig({ test }), defineConfig({ ...options.vite, test: options.test ?? {} }));
}
