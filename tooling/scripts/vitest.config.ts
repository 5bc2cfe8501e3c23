import { defineSuite } from "@saas/vitest-config";

export default defineSuite();
