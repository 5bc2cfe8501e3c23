import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "~": new URL("./app", import.meta.url).pathname } },
  // Playwright specs live in tests/e2e and run under Playwright, not here.
  test: { include: ["app/**/*.test.{ts,tsx}", "server/**/*.test.ts"] },
  esbuild: { jsx: "automatic" },
});
