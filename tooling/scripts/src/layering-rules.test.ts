// The layering of DESIGN.md is enforced by lint rules (tooling/eslint/boundaries.js): each
// planted violation here must fail with the message that says why, and the allowed uses
// must pass. Probes are real files (type-aware rules need them on disk), git-ignored.
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { afterEach, describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const planted: string[] = [];
/** A folder of probes that must be named like real modules (an env.ts). */
const PROBE_DIR = "packages/billing/src/layering-probe.tmp";

/** The messages ESLint gives `code` as the file `file` (relative to the repository root). */
async function lintAs(file: string, code: string): Promise<string[]> {
  const filePath = path.join(root, file);
  // Only ever a new file: a probe must never overwrite (and then delete) real code.
  if (existsSync(filePath) && !planted.includes(filePath)) throw new Error(`${file} exists: probes must be new files`);
  mkdirSync(path.dirname(filePath), { recursive: true });
  writeFileSync(filePath, code);
  planted.push(filePath);
  const eslint = new ESLint({ cwd: path.join(root, file.split("/").slice(0, 2).join("/")) });
  const [result] = await eslint.lintFiles([filePath]);
  return (result?.messages ?? []).map((message) => message.message);
}

describe("layering rules", () => {
  afterEach(() => {
    for (const file of planted.splice(0)) rmSync(file, { force: true });
    rmSync(path.join(root, PROBE_DIR), { recursive: true, force: true });
  });

  it("billing imports neither the API nor the app, statically, dynamically or by a relative path", async () => {
    const probe = "packages/billing/src/layering-probe.tmp.ts";
    expect(await lintAs(probe, 'export { appRouter } from "@saas/api";\n')).toEqual([
      expect.stringContaining("packages/billing is the domain layer"),
    ]);
    expect(await lintAs(probe, 'export const web = () => import("@saas/web/server/env.ts");\n')).toEqual([
      expect.stringContaining("packages/billing is the domain layer"),
    ]);
    expect(await lintAs(probe, 'export * from "../../api/src/index.ts";\n')).toContainEqual(
      expect.stringContaining("leaves this package"),
    );
  }, 120_000);

  it("db imports no workspace package but env", async () => {
    const probe = "packages/db/src/layering-probe.tmp.ts";
    expect(await lintAs(probe, 'export { syncStripe } from "@saas/billing";\n')).toEqual([
      expect.stringContaining("packages/db is the bottom layer"),
    ]);
    expect(await lintAs(probe, 'export { parseEnv } from "@saas/env";\n')).toEqual([]);
  }, 120_000);

  it("no production module loads the Stripe emulator; tests may", async () => {
    const message: unknown = expect.stringContaining("stand-in for Stripe");
    expect(
      await lintAs(
        "packages/billing/src/layering-probe.tmp.ts",
        'export { startEmulator } from "@saas/stripe-emulator";\n',
      ),
    ).toEqual([message]);
    expect(
      await lintAs(
        "apps/web/app/lib/layering-probe.tmp.ts",
        'export const e = () => import("@saas/stripe-emulator");\n',
      ),
    ).toEqual([message]);
    expect(
      await lintAs(
        "packages/billing/src/layering-probe.tmp.test.ts",
        'export { startEmulator } from "@saas/stripe-emulator";\n',
      ),
    ).toEqual([]);
  }, 120_000);

  it("process.env is read only in an env.ts, and written nowhere", async () => {
    expect(
      await lintAs("packages/billing/src/layering-probe.tmp.ts", "export const port = process.env.PORT;\n"),
    ).toEqual([expect.stringContaining("Read process.env only in an env.ts")]);
    expect(await lintAs(`${PROBE_DIR}/env.ts`, 'process.env.PORT = "1";\nexport {};\n')).toContainEqual(
      expect.stringContaining("Never write process.env"),
    );
  }, 120_000);
});
