import type { ViteUserConfig } from "vitest/config";

export type SuiteOptions = {
  /** Where the specs are (default: src/**\/*.test.ts). */
  include?: string[];
  /**
   * A throwaway PostgreSQL for the run, with a migrated template each test file clones:
   * `true` for packages that use @saas/db, or the path of the set-up module inside @saas/db itself.
   */
  database?: boolean | string;
  test?: NonNullable<ViteUserConfig["test"]>;
  vite?: ViteUserConfig;
};

export function defineSuite(options?: SuiteOptions): ViteUserConfig;
