// Mutation testing of the code that decides access (`pnpm test:mutation`, decision 019).
import { defineMutationRun } from "@saas/vitest-config/stryker";

export default defineMutationRun({
  mutate: ["src/throttle.ts", "src/origin.ts", "src/redirects.ts", "src/accounts.ts"],
});
