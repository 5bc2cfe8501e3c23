import { defineConfig } from "vitest/config";

export default defineConfig({
  // tests/e2e holds the Playwright specs; Vitest must never pick them up.
  test: { include: ["src/**/*.test.ts", "test/**/*.test.ts"], exclude: ["tests/**", "node_modules/**"], testTimeout: 20_000 },
});
