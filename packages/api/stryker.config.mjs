// Mutation testing of the tRPC layer: who may call what, and how errors reach the client
// (`pnpm test:mutation`, decision 019).
import { defineMutationRun } from "@saas/vitest-config/stryker";

export default defineMutationRun({
  mutate: ["src/**/*.ts", "!src/**/*.test.ts", "!src/**/*.test-d.ts"],
});
