import { defineSuite } from "@saas/vitest-config";

export default defineSuite({ database: "./src/testing/global-setup.ts" });
