// Who runs PostgreSQL, and what that user can reach. PostgreSQL refuses to run as root,
// so as root it runs as the `postgres` system user, who often cannot enter the checkout
// (a project in root's home folder or in a `mktemp -d` folder sits below a mode-0700
// folder). Then it gets a copy of the binaries, and a data folder, in places it can reach.
// See docs/decisions/011-embedded-postgresql-from-any-folder.md.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, chownSync, cpSync, existsSync, lstatSync, mkdirSync, readlinkSync, realpathSync } from "node:fs";
import { renameSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { EmbeddedPostgresError } from "./errors.ts";

/** The uid/gid PostgreSQL's processes get; null when it runs as this process's own user. */
export type RunAs = { uid: number; gid: number; name: string } | null;

const SYSTEM_USER = "postgres";
/** Where, as root, the staged binaries and unreachable checkouts' data go. */
export const ROOT_STATE_DIR = "/var/lib/saas-billing-postgres";

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/**
 * As root: the `postgres` user, created up front with idempotent commands (two test runs
 * creating it at once would race otherwise).
 */
export function resolveRunAs(): RunAs {
  if (!isRoot()) return null;
  let ids = lookupUser(SYSTEM_USER);
  if (!ids) {
    try {
      execFileSync("groupadd", ["-f", "--system", SYSTEM_USER], { stdio: "pipe" });
      execFileSync("useradd", ["--system", "-g", SYSTEM_USER, "--no-create-home", SYSTEM_USER], { stdio: "pipe" });
    } catch (error) {
      ids = lookupUser(SYSTEM_USER); // a concurrent process may have created it
      if (!ids) {
        throw new EmbeddedPostgresError(
          `PostgreSQL refuses to run as root, and the user "${SYSTEM_USER}" to run it as could not be created ` +
            `(${describeFailure(error)}). Create it with: groupadd --system ${SYSTEM_USER} && ` +
            `useradd --system -g ${SYSTEM_USER} ${SYSTEM_USER}. ` +
            "Or run as a non-root user, or set DATABASE_URL to use another PostgreSQL.",
        );
      }
    }
    ids ??= lookupUser(SYSTEM_USER);
  }
  if (!ids)
    throw new EmbeddedPostgresError(
      `the user "${SYSTEM_USER}" exists but its uid could not be read (id -u ${SYSTEM_USER})`,
    );
  return { ...ids, name: SYSTEM_USER };
}

function lookupUser(name: string): { uid: number; gid: number } | null {
  try {
    const uid = Number(execFileSync("id", ["-u", name], { encoding: "utf8", stdio: "pipe" }).trim());
    const gid = Number(execFileSync("id", ["-g", name], { encoding: "utf8", stdio: "pipe" }).trim());
    return { uid, gid };
  } catch {
    return null;
  }
}

/** Whether `runAs` can open `target` for the `test` operator given (-x, -r, -w). */
export function canAccess(runAs: RunAs, target: string, operator: "-x" | "-r" | "-w"): boolean {
  if (!runAs) return true; // our own user: errors come from the operation itself
  const result = spawnSync("test", [operator, target], { uid: runAs.uid, gid: runAs.gid, cwd: "/", stdio: "ignore" });
  return result.status === 0;
}

/**
 * The binaries folder (bin/, lib/, share/) `runAs` can execute: the installed one when it
 * can, else a copy under ROOT_STATE_DIR keyed by version, made once and atomically (a
 * half-made copy is never used: it is renamed into place when complete).
 */
export function reachableBinaries(nativeDir: string, version: string, runAs: RunAs, stateDir: string): string {
  if (canAccess(runAs, path.join(nativeDir, "bin", "postgres"), "-x")) return nativeDir;
  const staged = path.join(stateDir, `postgres-${version}`);
  if (existsSync(path.join(staged, "bin", "postgres"))) return staged;
  const partial = `${staged}.${process.pid}.partial`;
  try {
    mkdirSync(stateDir, { recursive: true, mode: 0o755 });
    chmodSync(stateDir, 0o755);
    rmSync(partial, { recursive: true, force: true });
    cpSync(nativeDir, partial, { recursive: true, verbatimSymlinks: true });
    chmodSync(partial, 0o755);
    renameSync(partial, staged);
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    if (existsSync(path.join(staged, "bin", "postgres"))) return staged; // another process won the rename
    throw new EmbeddedPostgresError(
      `the PostgreSQL binaries in ${nativeDir} are not reachable by the user "${runAs?.name}", and copying them to ` +
        `${staged} failed (${describeFailure(error)}). ` +
        `Make ${stateDir} writable, run as a non-root user, or set DATABASE_URL.`,
    );
  }
  return staged;
}

/**
 * The folder PostgreSQL is told to use for `dataDir`. When `runAs` cannot reach it, the
 * data lives under ROOT_STATE_DIR and `dataDir` becomes a symbolic link to it, so the
 * next start (and anyone looking in .data/) finds the same data.
 */
export function reachableDataDir(dataDir: string, runAs: RunAs, stateDir: string): string {
  const linked = symlinkTarget(dataDir);
  if (linked) return linked;
  if (canAccess(runAs, path.dirname(dataDir), "-x")) return dataDir;
  if (existsSync(dataDir)) {
    throw new EmbeddedPostgresError(
      `the data folder ${dataDir} is below a folder the user "${runAs?.name}" cannot enter, ` +
        "and PostgreSQL runs as that user. " +
        `Move it out of the way (mv ${dataDir} ${dataDir}.old) to start afresh in a reachable place, ` +
        `or set EMBEDDED_POSTGRES_DIR to a folder outside ${path.dirname(dataDir)}.`,
    );
  }
  const key = createHash("sha256").update(path.resolve(dataDir)).digest("hex").slice(0, 16);
  const physical = path.join(stateDir, "data", `${path.basename(dataDir)}-${key}`);
  mkdirSync(path.dirname(physical), { recursive: true, mode: 0o755 });
  chmodSync(stateDir, 0o755);
  chmodSync(path.dirname(physical), 0o755);
  symlinkSync(physical, dataDir);
  return physical;
}

function symlinkTarget(dataDir: string): string | null {
  try {
    if (!lstatSync(dataDir).isSymbolicLink()) return null;
  } catch {
    return null;
  }
  try {
    return realpathSync(dataDir);
  } catch {
    // The target was removed: recreate it where the link points.
    return path.resolve(path.dirname(dataDir), readlinkSync(dataDir));
  }
}

/** Removes a data folder and, when `dataDir` is a link to it, the link too. */
export function removeDataDir(dataDir: string, physical: string): void {
  rmSync(physical, { recursive: true, force: true });
  if (physical !== dataDir) rmSync(dataDir, { force: true });
}

/**
 * Makes `dir` (created if missing) owned by `runAs`, as PostgreSQL requires of its data
 * folder; as another user, a folder owned by someone else is a clear error instead.
 */
export function prepareDataDir(dir: string, runAs: RunAs): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new EmbeddedPostgresError(
      `cannot create the data folder ${dir} (${describeFailure(error)}). ` +
        "Set EMBEDDED_POSTGRES_DIR to a writable folder, or DATABASE_URL to use another PostgreSQL.",
    );
  }
  const owner = statSync(dir).uid;
  if (runAs) {
    if (owner !== runAs.uid) chownTree(dir, runAs);
    return;
  }
  const self = process.getuid?.();
  if (self !== undefined && owner !== self) {
    throw new EmbeddedPostgresError(
      `the data folder ${dir} belongs to another user (uid ${owner}), ` +
        "and PostgreSQL only uses a data folder it owns. " +
        `Take it over with: sudo chown -R $(id -un) ${dir}. ` +
        "Or remove it to start afresh, or set EMBEDDED_POSTGRES_DIR to another folder.",
    );
  }
}

function chownTree(dir: string, runAs: { uid: number; gid: number }): void {
  execFileSync("chown", ["-R", `${runAs.uid}:${runAs.gid}`, dir], { stdio: "pipe" });
}

/** A file `runAs` can read, for initdb's --pwfile; returns its path. */
export function writeReadableFile(file: string, content: string, runAs: RunAs): string {
  writeFileSync(file, content, { mode: 0o600 });
  if (runAs) chownSync(file, runAs.uid, runAs.gid);
  return file;
}

export function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = "code" in error && typeof error.code === "string" ? error.code : "";
  return code && !error.message.startsWith(code) ? `${code}: ${error.message}` : error.message;
}
