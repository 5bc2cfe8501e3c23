// Mutation testing of the billing code that decides money and access (`pnpm test:mutation`,
// decision 019).
import { defineMutationRun } from "@saas/vitest-config/stryker";

export default defineMutationRun({
  mutate: [
    // `jobs`: the sync job, where webhook processing moved (decision 018).
    "src/{webhooks,jobs,sync,customers,entitlements,portal,checkout}/**/*.ts",
    "!src/**/*.test.ts",
    // The webhook suite's helpers, not code the app runs.
    "!src/webhooks/webhook-testing.ts",
  ],
});
