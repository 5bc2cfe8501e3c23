import { defineSuite } from "@saas/vitest-config";

export default defineSuite({
  database: true,
  include: ["app/**/*.test.{ts,tsx}", "server/**/*.test.ts"],
  vite: { resolve: { alias: { "~": new URL("./app", import.meta.url).pathname } }, esbuild: { jsx: "automatic" } },
});
