import { defineSuite } from "@saas/vitest-config";

export default defineSuite({ include: ["src/**/*.test.ts", "test/**/*.test.ts"], test: { testTimeout: 20_000 } });
