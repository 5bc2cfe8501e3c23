// Mutation testing of the billing code that decides money and access (`pnpm test:mutation`,
// decision 019).
import { defineMutationRun } from "@saas/vitest-config/stryker";

export default defineMutationRun({
  mutate: [
    // `jobs`: the sync job, where webhook processing moved (decision 018); `events`: the webhook
    // log as operators read and replay it.
    // `plan-change`: what a switch of plan costs and does (decision 023); `checkout` includes the
    // cancel of a duplicate subscription (decision 024).
    "src/{webhooks,jobs,sync,customers,events,entitlements,portal,checkout,plan-change}/**/*.ts",
    // Of the command-line tools, only the arguments are read in the test process: the scripts
    // themselves run as child processes, where Stryker cannot switch a mutant on.
    "src/cli/events-args.ts",
    "!src/**/*.test.ts",
    // The webhook suite's helpers, not code the app runs.
    "!src/webhooks/webhook-testing.ts",
  ],
});
