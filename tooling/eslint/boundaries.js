// Layering between workspace packages, as lint rules whose messages say why.
// The whole table is here so the layering reads in one place; a package's
// eslint.config.js only names itself: `...boundaries("@saas/billing")`.
//
//   web ──▶ api ──▶ billing ──▶ mail ──▶ db ──▶ env        (auth ──▶ db)
//   @saas/stripe-emulator: tests, test helpers, the dev orchestrator and bench only.
import { existsSync } from "node:fs";
import path from "node:path";
import { ENV_WRITE_SELECTORS, TEST_FILES, TEST_HELPER_FILES, allowEnvAccess } from "./base.js";

const BILLING_CALLERS = {
  regex: "^@saas/(api|web)(/|$)",
  message:
    "packages/billing is the domain layer: @saas/api (transport) and apps/web (the app) call it, never the reverse. " +
    "Move what both need into billing, or take it as an argument (BillingDeps).",
};

const MAIL_CALLERS = {
  regex: "^@saas/(api|web|billing|auth)(/|$)",
  message:
    "packages/mail sends what others decide to send: billing (in its transactions) and apps/web (the worker, the " +
    "inbox page) call it, never the reverse. Take what a template needs as its data instead.",
};

const DB_IS_THE_BOTTOM = {
  // The shared tool configs (vitest, eslint, prettier, tsconfig) are not app code.
  regex: "^@saas/(?!(env|vitest-config|eslint-config|prettier-config|tsconfig)(/|$))",
  message:
    "packages/db is the bottom layer and may import only @saas/env: auth, billing, api and web depend on db, " +
    "so an import the other way makes a cycle. Take what you need as an argument instead.",
};

const EMULATOR_MESSAGE =
  "@saas/stripe-emulator is a development and test stand-in for Stripe and a devDependency: production code must " +
  "not load it. Import it only from tests, test helpers (testing.ts, *-testing.ts, testing/), " +
  "apps/web/server/local-stripe.ts (starts it in dev) and tooling/bench.";
const EMULATOR = { regex: "^@saas/stripe-emulator(/|$)", message: EMULATOR_MESSAGE };

/** no-restricted-imports does not look at `import()`; the same patterns as a no-restricted-syntax selector. */
const dynamic = ({ regex, message }) => ({
  selector: `ImportExpression[source.value=/${regex.replaceAll("/", "\\/")}/]`,
  message,
});

/**
 * Per package: what it may not import, and which of its files may use the emulator or read
 * process.env. Globs are relative to the package and name .ts files: one ending in `/**`
 * would make ESLint lint the JSON files there too.
 */
const LAYERS = {
  "@saas/web": { emulatorAllowed: ["server/local-stripe.ts"] },
  "@saas/api": {},
  "@saas/auth": {},
  "@saas/billing": { forbid: [BILLING_CALLERS] },
  "@saas/mail": { forbid: [MAIL_CALLERS] },
  "@saas/db": { forbid: [DB_IS_THE_BOTTOM] },
  // The env package is the shared reader of process.env.
  "@saas/env": {},
  "@saas/stripe-emulator": { envAllowed: ["bench/**/*.ts"] },
  "@saas/bench": { emulatorAllowed: ["**/*.ts"], envAllowed: ["**/*.ts"] },
  "@saas/playwright": { envAllowed: ["**/*.ts"] },
  "@saas/scripts": { envAllowed: ["**/*.ts"] },
  "@saas/eslint-config": {},
  "@saas/prettier-config": {},
  "@saas/vitest-config": {},
};

const TS = ["**/*.ts", "**/*.tsx"];

/** @param {keyof typeof LAYERS} name the package's name in its package.json */
export function boundaries(name) {
  const layer = LAYERS[name];
  if (!layer) throw new Error(`boundaries(): no layer for ${name}; add it to tooling/eslint/boundaries.js`);
  const forbid = layer.forbid ?? [];
  const restrict = (patterns) => (patterns.length ? ["error", { patterns }] : "off");
  return [
    {
      files: TS,
      plugins: { saas: { rules: { "no-relative-import-outside-package": noRelativeImportOutsidePackage } } },
      rules: {
        "no-restricted-imports": "off",
        "@typescript-eslint/no-restricted-imports": restrict([...forbid, EMULATOR]),
        "no-restricted-syntax": ["error", ...ENV_WRITE_SELECTORS, ...[...forbid, EMULATOR].map(dynamic)],
        "saas/no-relative-import-outside-package": "error",
      },
    },
    {
      files: [...TEST_FILES, ...TEST_HELPER_FILES, ...(layer.emulatorAllowed ?? [])],
      rules: {
        "@typescript-eslint/no-restricted-imports": restrict(forbid),
        "no-restricted-syntax": ["error", ...ENV_WRITE_SELECTORS, ...forbid.map(dynamic)],
      },
    },
    ...(layer.envAllowed ? [allowEnvAccess(layer.envAllowed)] : []),
  ];
}

/** Without this, `../../api/src/x.ts` would walk around every rule above. */
const noRelativeImportOutsidePackage = {
  meta: {
    type: "problem",
    docs: { description: "Forbid relative imports that leave the file's workspace package" },
    schema: [],
    messages: {
      outside:
        "'{{source}}' leaves this package: import another workspace package by its name (@saas/…) so the " +
        "layering rules and its package.json exports apply.",
    },
  },
  create(context) {
    const root = packageRoot(path.dirname(context.filename));
    const check = (node) => {
      const source = node?.type === "Literal" && typeof node.value === "string" ? node.value : null;
      if (!source?.startsWith(".")) return;
      const target = path.resolve(path.dirname(context.filename), source);
      if (path.relative(root, target).startsWith(".."))
        context.report({ node, messageId: "outside", data: { source } });
    };
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
    };
  },
};

const roots = new Map();
function packageRoot(dir) {
  if (!roots.has(dir)) {
    const parent = path.dirname(dir);
    roots.set(dir, existsSync(path.join(dir, "package.json")) || parent === dir ? dir : packageRoot(parent));
  }
  return roots.get(dir);
}
