// `pnpm test:mutation`: StrykerJS over the code that decides money and access, one package
// after another (each has its stryker.config.mjs, decision 019), then the score per folder and
// the mutants that survived into MUTATION.md. Arguments go to every `stryker run`: `pnpm
// test:mutation --force` tests every mutant again instead of reusing the results of those whose
// file and tests are unchanged.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  markdownTable,
  readReport,
  scoreByFolder,
  survivorList,
  total,
  writeSections,
  type FolderScore,
} from "./mutation-report.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** What is mutated, by package: the folders (or single files) the score is reported for. */
const TARGETS = [
  {
    dir: "packages/billing",
    folders: [
      "src/webhooks",
      "src/jobs",
      "src/sync",
      "src/customers",
      "src/events",
      "src/cli/events-args.ts",
      "src/entitlements",
      "src/portal",
      "src/checkout",
    ],
  },
  { dir: "packages/auth", folders: ["src/throttle.ts", "src/origin.ts", "src/redirects.ts", "src/accounts.ts"] },
  { dir: "packages/api", folders: ["src"] },
];
const REPORT = "reports/mutation/mutation.json";
const INCREMENTAL = "reports/mutation/stryker-incremental.json";

const minutes = (ms: number) => `${Math.round(ms / 6_000) / 10} min`;

function main(args: string[]): number {
  const started = Date.now();
  const runs: Array<{ dir: string; ms: number; full: boolean; ok: boolean }> = [];
  for (const { dir } of TARGETS) {
    const full = args.includes("--force") || !existsSync(path.join(root, dir, INCREMENTAL));
    console.log(`\n$ pnpm run test:mutation ${args.join(" ")} (in ${dir})`);
    const t0 = Date.now();
    const { status } = spawnSync("pnpm", ["run", "test:mutation", ...args], {
      cwd: path.join(root, dir),
      stdio: "inherit",
    });
    runs.push({ dir, ms: Date.now() - t0, full, ok: status === 0 });
  }
  const wall = Date.now() - started;

  const failed = runs.filter((run) => !run.ok);
  if (failed.length) {
    console.error(`\nstryker failed in ${failed.map((run) => run.dir).join(", ")}: MUTATION.md left as it was`);
    return 1;
  }
  const reports = TARGETS.map((target) => ({ ...target, report: readReport(path.join(root, target.dir, REPORT)) }));
  const rows: FolderScore[] = reports.flatMap(({ dir, folders, report }) => scoreByFolder(dir, report, folders));
  const table = markdownTable([...rows, total("all", rows)]);
  const kind = runs.every((run) => run.full) ? "full" : "incremental (unchanged mutants' results reused)";
  const summary =
    `Last run: ${new Date().toISOString().slice(0, 10)}, ${kind}, ${minutes(wall)} wall time ` +
    `(${runs.map((run) => `${path.basename(run.dir)} ${minutes(run.ms)}`).join(", ")}).`;
  const survivors = reports.map(({ dir, folders, report }) => survivorList(dir, report, folders)).join("\n\n");
  writeSections(path.join(root, "MUTATION.md"), { scores: `${summary}\n\n${table}`, survivors });
  const html = TARGETS.map((target) => `${target.dir}/reports/mutation/index.html`);
  console.log(`\n${summary}\n\n${table}\n\nSurvivors: MUTATION.md. HTML reports: ${html.join(", ")}`);
  return 0;
}

process.exit(main(process.argv.slice(2)));
