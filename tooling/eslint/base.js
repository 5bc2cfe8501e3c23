// The workspace's ESLint rules for every package: type-aware typescript-eslint,
// the environment rule, and the ignores. Each package's eslint.config.js composes
// `base`, optionally `react`, its `boundaries(...)`, and `prettier` last.
import js from "@eslint/js";
import prettierConfig from "eslint-config-prettier";
import { defineConfig, globalIgnores } from "eslint/config";
import tseslint from "typescript-eslint";

/** Tests: non-null assertions allowed, and they may import the Stripe emulator. */
export const TEST_FILES = ["**/*.test.ts", "**/*.test.tsx", "**/test/**/*.{ts,tsx}", "**/tests/**/*.{ts,tsx}"];

/** Test helpers shipped beside the code they help test (e.g. `@saas/billing/testing`). */
export const TEST_HELPER_FILES = ["**/testing.ts", "**/*-testing.ts", "**/testing/**/*.ts"];

/**
 * Files that may read process.env: the env.ts that validates it, tests, and tool
 * configs (vite, vitest, playwright, prisma) that their tool runs, not the app.
 * Packages that are tooling as a whole add `allowEnvAccess(["**"])`.
 */
export const ENV_READ_FILES = ["**/env.ts", "*.config.ts", ...TEST_FILES];

const ENV_READ_MESSAGE =
  "Read process.env only in an env.ts, which validates it once with zod and names the variable that is missing " +
  "(STYLE.md #4); take the parsed values as arguments here.";
const ENV_WRITE_MESSAGE =
  "Never write process.env: configuration would then depend on which module ran first. Pass the value to the code " +
  "that needs it, or to a child process through its `env` option.";

/** process.env writes (`=`, `??=`, `delete`, `Object.assign`), forbidden everywhere. Shared with boundaries.js. */
export const ENV_WRITE_SELECTORS = [
  {
    selector:
      "AssignmentExpression > MemberExpression.left[object.type='MemberExpression']" +
      "[object.object.name='process'][object.property.name='env']",
    message: ENV_WRITE_MESSAGE,
  },
  {
    selector: "AssignmentExpression > MemberExpression.left[object.name='process'][property.name='env']",
    message: ENV_WRITE_MESSAGE,
  },
  {
    selector:
      "UnaryExpression[operator='delete'] > MemberExpression[object.type='MemberExpression']" +
      "[object.object.name='process'][object.property.name='env']",
    message: ENV_WRITE_MESSAGE,
  },
  {
    selector:
      "CallExpression[callee.object.name='Object'][callee.property.name='assign'] > " +
      "MemberExpression.arguments:first-child[object.name='process'][property.name='env']",
    message: ENV_WRITE_MESSAGE,
  },
];

export const base = defineConfig(
  globalIgnores([
    "**/node_modules/",
    "**/build/",
    "**/dist/",
    "**/.cache/",
    "**/.data/",
    "**/.reports/",
    "**/reports/mutation/",
    "**/.stryker-tmp/",
    "**/.turbo/",
    "**/playwright-report/",
    "**/test-results/",
    "**/src/generated/",
    "**/public/build/",
  ]),
  { linterOptions: { reportUnusedDisableDirectives: "error" } },
  js.configs.recommended,
  {
    // eslint.config.js and other plain JS: ESM on Node, no type information.
    files: ["**/*.js", "**/*.mjs"],
    languageOptions: { sourceType: "module", globals: { process: "readonly", console: "readonly" } },
  },
  {
    files: ["**/*.ts", "**/*.tsx"],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      // Each file is checked with the tsconfig.json that includes it, as tsc does.
      parserOptions: { projectService: true },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-non-null-assertion": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        {
          args: "after-used",
          argsIgnorePattern: "^_",
          varsIgnorePattern: "^_",
          caughtErrorsIgnorePattern: "^_",
          destructuredArrayIgnorePattern: "^_",
          ignoreRestSiblings: true,
        },
      ],
      // The code writes `import type { A }` when every name is a type and `import { b, type A }`
      // when mixed; tsc's verbatimModuleSyntax already insists on the qualifier. `--fix` reaches
      // that shape: inline first, then no-import-type-side-effects hoists all-type imports.
      "@typescript-eslint/consistent-type-imports": [
        "error",
        { prefer: "type-imports", fixStyle: "inline-type-imports", disallowTypeAnnotations: true },
      ],
      "@typescript-eslint/no-import-type-side-effects": "error",
      // Remix's loaders and actions throw `redirect()` / `Response` by design.
      "@typescript-eslint/only-throw-error": [
        "error",
        {
          allow: [
            { from: "lib", name: "Response" },
            { from: "package", package: "@remix-run/server-runtime", name: "TypedResponse" },
          ],
        },
      ],
      // Playwright fixtures must destructure their first argument: `async ({}, use) => …`.
      "no-empty-pattern": ["error", { allowObjectPatternsAsParameters: true }],
      "no-restricted-properties": ["error", { object: "process", property: "env", message: ENV_READ_MESSAGE }],
      "no-restricted-syntax": ["error", ...ENV_WRITE_SELECTORS],
    },
  },
  {
    files: TEST_FILES,
    rules: { "@typescript-eslint/no-non-null-assertion": "off" },
  },
  allowEnvAccess(ENV_READ_FILES),
);

/** Lets `files` read process.env (writing stays forbidden). */
export function allowEnvAccess(files) {
  return { files, rules: { "no-restricted-properties": "off" } };
}

/**
 * Turns off every stylistic rule Prettier owns, then turns `max-len` back on: Prettier wraps code
 * at 120 columns but never breaks strings, comments or template literals, so those are held to
 * the same width here (URLs and regular expressions excepted). Always the last entry of a config.
 */
export const prettier = {
  ...prettierConfig,
  rules: {
    ...prettierConfig.rules,
    "max-len": ["error", { code: 120, ignoreUrls: true, ignoreRegExpLiterals: true }],
  },
};
