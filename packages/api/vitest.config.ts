import { defineSuite } from "@saas/vitest-config";

export default defineSuite({ database: true, test: { typecheck: { enabled: true, include: ["src/**/*.test-d.ts"] } } });
