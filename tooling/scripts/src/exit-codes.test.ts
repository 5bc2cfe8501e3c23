// A test command that exits 0 while tests fail lies to every tool that trusts it. The
// packages' suites run on the embedded PostgreSQL, whose library once forced exit code 0;
// this runs a planted spec under the same global set-up (@saas/db/testing/global-setup)
// and checks Vitest's exit code. The probe lives in a folder no package's suite includes,
// so a parallel run of the real suites never picks it up.
import { spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const dbDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../packages/db");
const globalSetup = path.join(dbDir, "src/testing/global-setup.ts");
// Inside packages/db (its dependencies resolve as for its own suite) but outside src/, which
// is all its suite includes. *.tmp folders are git-ignored: a leftover can never be committed.
const probeDir = path.join(dbDir, "exit-code-probe.tmp");

/** Vitest's exit code for one spec with `assertion`, on a throwaway embedded PostgreSQL. */
function runProbe(assertion: string): Promise<number | null> {
  mkdirSync(probeDir, { recursive: true });
  writeFileSync(
    path.join(probeDir, "probe.test.ts"),
    `import { expect, it } from "vitest";\nit("probe", () => { ${assertion} });\n`,
  );
  const config = { test: { include: ["probe.test.ts"], globalSetup: [globalSetup], hookTimeout: 120_000 } };
  writeFileSync(path.join(probeDir, "vitest.config.mjs"), `export default ${JSON.stringify(config)};\n`);
  const args = ["exec", "vitest", "run", "--root", probeDir, "--config", path.join(probeDir, "vitest.config.mjs")];
  const child = spawn("pnpm", args, { cwd: dbDir, stdio: "ignore" });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve(code));
  });
}

describe("test commands' exit codes", () => {
  afterEach(() => rmSync(probeDir, { recursive: true, force: true }));

  it("a failing spec in a suite on the embedded PostgreSQL exits non-zero", async () => {
    expect(await runProbe("expect(1).toBe(2);")).not.toBe(0);
  }, 300_000);

  it("a passing one exits 0", async () => {
    expect(await runProbe("expect(1).toBe(1);")).toBe(0);
  }, 300_000);
});
