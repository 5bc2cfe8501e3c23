// The one StrykerJS set-up of the workspace (`pnpm test:mutation`, decision 019): each package
// that is mutation-tested has a stryker.config.mjs naming what to mutate, and runs its own
// Vitest suite (with its globalSetup) against each mutant, type-checked first.
// Plain JavaScript, like index.js: Stryker loads its configuration with Node itself.

/** @type {typeof import("./stryker.d.ts").defineMutationRun} */
export function defineMutationRun({ mutate }) {
  return {
    mutate,
    // Under pnpm, Stryker's own plugin discovery looks only beside @stryker-mutator/core, where
    // pnpm installs none of its plugins: name them, so they resolve like any other import.
    plugins: ["@stryker-mutator/vitest-runner", "@stryker-mutator/typescript-checker"],
    testRunner: "vitest",
    vitest: { configFile: "vitest.config.ts" },
    coverageAnalysis: "perTest",
    // A mutant that does not compile is no test of the tests: tsc drops it before Vitest runs.
    checkers: ["typescript"],
    tsconfigFile: "tsconfig.json",
    typescriptChecker: { prioritizePerformanceOverAccuracy: true },
    // Two cores, shared with other work, and every worker runs its own PostgreSQL and emulator.
    concurrency: 1,
    // Tests that wait on a real database and a Stripe emulator vary with the machine's load:
    // a mutant counts as a timeout only when it is well past the run without it.
    timeoutMS: 10_000,
    // Results are kept per mutant and reused while neither its file nor its tests change.
    incremental: true,
    incrementalFile: "reports/mutation/stryker-incremental.json",
    reporters: ["html", "json", "clear-text", "progress"],
    htmlReporter: { fileName: "reports/mutation/index.html" },
    jsonReporter: { fileName: "reports/mutation/mutation.json" },
    clearTextReporter: { allowEmojis: false, logTests: false, reportScoreTable: true },
    // The score is measured and written down (MUTATION.md), not a gate.
    thresholds: { high: 85, low: 70, break: null },
  };
}
