export type MutationRunOptions = {
  /** Globs (relative to the package) of the files whose mutants are tested; `!` excludes. */
  mutate: string[];
};

/** A StrykerJS configuration: the object a package's stryker.config.mjs exports. */
export function defineMutationRun(options: MutationRunOptions): Record<string, unknown>;
