// The reliability tests alone, at the size CHAOS_SIZE asks for: `pnpm test:chaos` runs them
// at full size, which takes minutes; the normal config runs them reduced with everything else.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/reliability/**/*.test.ts"],
    globalSetup: ["@saas/db/testing/global-setup"],
    testTimeout: 900_000,
    hookTimeout: 120_000,
  },
});
