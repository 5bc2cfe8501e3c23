import { defineSuite } from "@saas/vitest-config";

export default defineSuite({ database: true, include: ["src/**/*.test.ts", "src/**/*.test.tsx"] });
