// `pnpm test`: lint and the format check, typecheck, every package's Vitest suite, then
// the Playwright suites, ending with one line that sums them all:
// "N passed, N failed[, N skipped]".
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const WORKSPACE_DIRS = ["apps", "packages", "tooling"];

type Tally = { passed: number; failed: number; skipped: number };
type Workspace = { name: string; dir: string; scripts: Record<string, string> };

function workspaces(): Workspace[] {
  return WORKSPACE_DIRS.flatMap((group) =>
    readdirSync(path.join(root, group), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(path.join(root, group, entry.name, "package.json")))
      .map((entry) => {
        const dir = path.join(root, group, entry.name);
        const manifest = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as Workspace;
        return { name: manifest.name, dir, scripts: manifest.scripts ?? {} };
      }),
  );
}

function run(args: string[]): boolean {
  console.log(`\n$ ${args.join(" ")}`);
  return spawnSync(args[0] ?? "", args.slice(1), { cwd: root, stdio: "inherit" }).status === 0;
}

function readJson<T>(file: string): T | null {
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as T) : null;
}

type VitestReport = {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  success: boolean;
};
type PlaywrightReport = {
  stats: { expected: number; unexpected: number; flaky: number; skipped: number };
  errors?: unknown[];
};

const VITEST_REPORT = ".reports/vitest.json";
const PLAYWRIGHT_REPORT = ".reports/playwright.json";

function tallyVitest(ws: Workspace): Tally {
  const report = readJson<VitestReport>(path.join(ws.dir, VITEST_REPORT));
  // No report means the suite died before finishing: count it as one failure.
  if (!report) return { passed: 0, failed: 1, skipped: 0 };
  const crashed = !report.success && report.numFailedTests === 0 ? 1 : 0;
  return {
    passed: report.numPassedTests,
    failed: report.numFailedTests + crashed,
    skipped: report.numPendingTests + report.numTodoTests,
  };
}

function tallyPlaywright(ws: Workspace): Tally {
  const report = readJson<PlaywrightReport>(path.join(ws.dir, PLAYWRIGHT_REPORT));
  if (!report) return { passed: 0, failed: 1, skipped: 0 };
  const { expected, unexpected, flaky, skipped } = report.stats;
  const globalErrors = report.errors?.length ? 1 : 0;
  return { passed: expected, failed: unexpected + flaky + globalErrors, skipped };
}

function main(): number {
  const all = workspaces();
  const withTests = all.filter((ws) => ws.scripts.test);
  const withE2e = all.filter((ws) => ws.scripts.e2e);
  for (const ws of all) rmSync(path.join(ws.dir, ".reports"), { recursive: true, force: true });

  const rows: Array<[string, Tally]> = [];
  const check = (name: string, args: string[]) => {
    const ok = run(args);
    rows.push([name, { passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0 }]);
  };
  check("lint (eslint, knip)", ["pnpm", "lint", "--output-logs=errors-only"]);
  check("format (prettier --check)", ["pnpm", "exec", "prettier", "--check", "--log-level=warn", "."]);
  check("typecheck", ["pnpm", "exec", "turbo", "run", "typecheck", "--output-logs=errors-only"]);

  run([
    "pnpm",
    "exec",
    "turbo",
    "run",
    "test",
    "--continue",
    "--",
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${VITEST_REPORT}`,
  ]);
  for (const ws of withTests) rows.push([`${ws.name} (vitest)`, tallyVitest(ws)]);

  // Browser suites one at a time: each starts its own servers and Chromium on two cores.
  run(["pnpm", "exec", "turbo", "run", "e2e", "--continue", "--concurrency=1"]);
  for (const ws of withE2e) rows.push([`${ws.name} (playwright)`, tallyPlaywright(ws)]);

  const total = rows.reduce<Tally>(
    (sum, [, t]) => ({
      passed: sum.passed + t.passed,
      failed: sum.failed + t.failed,
      skipped: sum.skipped + t.skipped,
    }),
    { passed: 0, failed: 0, skipped: 0 },
  );
  console.log("\nSummary");
  for (const [name, t] of rows) {
    const skipped = t.skipped ? `, ${t.skipped} skipped` : "";
    console.log(`  ${t.failed ? "FAIL" : "ok  "}  ${name.padEnd(40)} ${t.passed} passed, ${t.failed} failed${skipped}`);
  }
  console.log(`\n${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ""}`);
  return total.failed ? 1 : 0;
}

process.exit(main());
