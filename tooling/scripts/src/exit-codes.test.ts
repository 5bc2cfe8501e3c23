// A test command that exits 0 while tests fail lies to every tool that trusts it. The
// packages' suites run on the embedded PostgreSQL, whose library once forced exit code 0;
// this runs a planted failing spec through a package's real `test` script.
import { spawn } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
// *.tmp.test.ts is git-ignored: a leftover probe can never be committed.
const probe = path.join(root, "packages/db/src/exit-code-probe.tmp.test.ts");

/** The exit code of the package's test script run on the probe alone (asynchronously: the worker keeps reporting). */
function runProbe(assertion: string): Promise<number | null> {
  writeFileSync(probe, `import { expect, it } from "vitest";\nit("probe", () => { ${assertion} });\n`);
  const child = spawn("pnpm", ["--filter", "@saas/db", "test", "--", path.basename(probe)], {
    cwd: root,
    stdio: "ignore",
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve(code));
  });
}

describe("test commands' exit codes", () => {
  afterEach(() => rmSync(probe, { force: true }));

  it("a failing spec in a suite on the embedded PostgreSQL exits non-zero", async () => {
    expect(await runProbe("expect(1).toBe(2);")).not.toBe(0);
  }, 120_000);

  it("a passing one exits 0", async () => {
    expect(await runProbe("expect(1).toBe(1);")).toBe(0);
  }, 120_000);
});
