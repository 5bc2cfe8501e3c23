// One process owns a data folder: `<dir>.lock` holds the owner's pid. A lock left by a
// process that died is stale: the PostgreSQL it started may still run (orphaned), so it
// is stopped before we go on.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { DataDirInUse, EmbeddedPostgresError } from "./errors.ts";
import { describeFailure } from "./run-as.ts";

export async function acquireDataDirLock(dataDir: string, physicalDir: () => string): Promise<() => void> {
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
      if (!(error instanceof Error && "code" in error && error.code === "EEXIST")) {
        throw new EmbeddedPostgresError(
          `cannot write ${lockFile} (${describeFailure(error)}). ` +
            "Set EMBEDDED_POSTGRES_DIR to a writable folder, or DATABASE_URL to use another PostgreSQL.",
        );
      }
    }
    const owner = Number((await readFile(lockFile, "utf8").catch(() => "")).trim());
    if (owner && isAlive(owner)) {
      throw new DataDirInUse(
        `${dataDir} is in use by process ${owner} (another \`pnpm dev\`?). ` +
          "Stop that process, or set DATABASE_URL to use another database.",
      );
    }
    await stopOrphanedServer(physicalDir());
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
    throw new EmbeddedPostgresError(
      `an orphaned PostgreSQL (pid ${pid}) still holds ${dataDir}; stop it with: kill ${pid}`,
    );
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
