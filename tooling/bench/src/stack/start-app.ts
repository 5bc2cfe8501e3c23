// The production build of apps/web, started as `pnpm start` would (server/index.ts with
// NODE_ENV=production) on a free port, with its own embedded PostgreSQL in a scratch
// folder and Stripe pointed at the bench's emulator process.
import { spawn, spawnSync } from "node:child_process";
import { closeSync, copyFileSync, cpSync, existsSync, openSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "@saas/db/embedded";
import { benchDir, webDir } from "./paths.ts";

export type AppProcess = {
  url: string;
  /** The copy of apps/web the server runs from (its build/client holds the page's chunks). */
  webRoot: string;
  pid: number;
  databaseUrl: string;
  /** PostgreSQL's postmaster: its backends are its children. */
  postgresPid: number;
  logFile: string;
  stop(): Promise<void>;
};

const ENTRY = "saas-bench-app-server.ts";

/** Where the last run's server log is kept after the scratch folder is removed. */
const LAST_LOG = path.join(os.tmpdir(), "saas-bench-server.log");

/**
 * The bench's own production build: apps/web's sources copied to tooling/bench/build/web with
 * one route added (bench-empty-route.ts, the empty route the webhook is compared with), and
 * built there as `pnpm --dir apps/web build` builds them. apps/web/build, which `pnpm start`
 * and production serve, is neither read nor written; others rebuilding it meanwhile (Remix
 * empties build/ first) cannot disturb a run.
 */
const BENCH_WEB = path.join(benchDir, "build/web");
const EMPTY_ROUTE = "bench-empty";

export function buildWeb(): number {
  const started = performance.now();
  rmSync(BENCH_WEB, { recursive: true, force: true });
  for (const entry of ["app", "server", "public", "package.json", "tsconfig.json", "vite.config.ts"])
    cpSync(path.join(webDir, entry), path.join(BENCH_WEB, entry), { recursive: true });
  copyFileSync(
    path.join(benchDir, "src/stack/bench-empty-route.ts"),
    path.join(BENCH_WEB, `app/routes/${EMPTY_ROUTE}.ts`),
  );
  symlinkSync(path.join(webDir, "node_modules"), path.join(BENCH_WEB, "node_modules"), "dir");
  const result = spawnSync("pnpm", ["--dir", BENCH_WEB, "build"], { stdio: ["ignore", "ignore", "inherit"] });
  if (result.status !== 0) throw new Error(`building the bench's copy of apps/web failed (exit ${result.status})`);
  return (performance.now() - started) / 1000;
}

/** The path of the empty route in the bench's build. */
export const EMPTY_ROUTE_PATH = `/${EMPTY_ROUTE}`;

/**
 * The server runs from a snapshot of the bench's build: build/, server/ and app/ (server/
 * imports app/lib/settings.server.ts from source) copied into the scratch folder, with
 * apps/web's node_modules linked so every import resolves as it does in place.
 */
function snapshotWeb(scratch: string): string {
  const root = path.join(scratch, "web");
  if (!existsSync(path.join(BENCH_WEB, "build/server/index.js"))) {
    throw new Error("tooling/bench/build/web is missing: run without --skip-build once");
  }
  cpSync(path.join(BENCH_WEB, "build"), path.join(root, "build"), { recursive: true });
  cpSync(path.join(BENCH_WEB, "server"), path.join(root, "server"), { recursive: true });
  cpSync(path.join(BENCH_WEB, "app"), path.join(root, "app"), { recursive: true });
  // The same file under a name of its own, so a `pkill -f server/index.ts` aimed at a
  // development server on the same machine cannot stop the benchmark's.
  copyFileSync(path.join(root, "server/index.ts"), path.join(root, "server", ENTRY));
  copyFileSync(path.join(webDir, "package.json"), path.join(root, "package.json"));
  symlinkSync(path.join(webDir, "node_modules"), path.join(root, "node_modules"), "dir");
  return root;
}

export async function startApp(options: {
  scratch: string;
  stripeApiBase: string;
  webhookSecret: string;
  /** Folder for a V8 CPU profile of the whole server run (node --cpu-prof). */
  cpuProfileDir?: string | undefined;
  /** False: the app runs no job worker (WORKER_IN_PROCESS=false); start-worker.ts runs one apart. */
  workerInProcess?: boolean;
}): Promise<AppProcess> {
  const webRoot = snapshotWeb(options.scratch);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const pgDir = path.join(options.scratch, "pg");
  const logFile = path.join(options.scratch, "server.log");
  // The server logs a line per webhook, as in production; a file costs it what a pipe to a collector would.
  const log = openSync(logFile, "a");
  const profile = options.cpuProfileDir ? ["--cpu-prof", `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
  const child = spawn(process.execPath, [...profile, "--import", "tsx", `server/${ENTRY}`], {
    cwd: webRoot,
    stdio: ["ignore", log, log],
    env: {
      ...process.env,
      NODE_ENV: "production",
      // Production on the embedded database (and a separately started emulator).
      OFFLINE_DEMO: "true",
      PORT: String(port),
      HOST: "127.0.0.1",
      APP_BASE_URL: url,
      DATABASE_URL: "",
      EMBEDDED_POSTGRES_DIR: pgDir,
      STRIPE_SECRET_KEY: "sk_test_bench",
      STRIPE_API_BASE: options.stripeApiBase,
      STRIPE_WEBHOOK_SECRET: options.webhookSecret,
      // Empty: the server syncs the catalog and portal configuration into the emulator at start.
      STRIPE_PORTAL_CONFIG_ID: "",
      STRIPE_EMULATOR_PORT: String(await freePort()),
      STRIPE_EMULATOR_DATA: "memory",
      WORKER_IN_PROCESS: options.workerInProcess === false ? "false" : "true",
    },
  });
  closeSync(log);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  process.once("exit", () => child.kill("SIGKILL"));

  const deadline = Date.now() + 180_000;
  while (!(await healthy(url))) {
    if (child.exitCode !== null)
      throw new Error(
        `the app exited (code ${child.exitCode}) before it was healthy; see ${logFile}:\n${tail(logFile)}`,
      );
    if (Date.now() > deadline) throw new Error(`the app was not healthy within 180 s; see ${logFile}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const databaseUrl = readFileSync(`${pgDir}.url`, "utf8").trim();
  const postgresPid = Number(readFileSync(path.join(pgDir, "postmaster.pid"), "utf8").split("\n")[0]);
  return {
    url,
    webRoot,
    pid: child.pid ?? 0,
    databaseUrl,
    postgresPid,
    logFile,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      // The server stops PostgreSQL on SIGTERM; a CPU profile is written as it exits.
      const code = await Promise.race([
        exited,
        new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 30_000)),
      ]);
      if (code === "timeout") child.kill("SIGKILL");
      // The scratch folder goes next; the log stays where a reader can look at it.
      copyFileSync(logFile, LAST_LOG);
    },
  };
}

async function healthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
    return response.ok;
  } catch {
    return false;
  }
}

function tail(file: string): string {
  return readFileSync(file, "utf8").split("\n").slice(-20).join("\n");
}
