// A PostgreSQL server of the outage test's own (the shared test server must stay up for the
// other files): persistent, so stopping it is an outage and starting it again on the same
// port and data folder is the recovery.
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import type { PrismaClient } from "@saas/db";
import { createDb } from "@saas/db/client";
import { scratchDataDir, startEmbeddedPostgres, type EmbeddedDatabase } from "@saas/db/embedded";
import { deployMigrations } from "@saas/db/migrate";

export type RestartableDatabase = {
  db: PrismaClient;
  url: string;
  /** Stops the server as an operator or a crash-restart would: fast shutdown, open transactions rolled back. */
  stop(): Promise<void>;
  /** The same port and data folder, so the client's connection string stays valid. */
  start(): Promise<void>;
  /**
   * Freezes the whole server (SIGSTOP to the postmaster and every backend) for `ms`, as a
   * stalled disk or a paused VM would: connections stay open and nothing answers.
   */
  stall(ms: number): Promise<void>;
  destroy(): Promise<void>;
};

const DATABASE = "outage";

export async function startRestartableDatabase(): Promise<RestartableDatabase> {
  const dataDir = await scratchDataDir("saas-outage-pg-");
  let server: EmbeddedDatabase | null = await startEmbeddedPostgres({ dataDir, persistent: true, database: DATABASE });
  const port = server.port;
  await deployMigrations(server.url);
  const url = server.url;
  // The tests' own client waits out a frozen or restarting server; the app's processes keep their own timeouts.
  const db = createDb(url, { connectionTimeoutMs: 30_000, statementTimeoutMs: 60_000, queryTimeoutMs: 60_000 });
  return {
    db,
    url,
    async stop() {
      await server?.stop();
      server = null;
    },
    async start() {
      server = await startEmbeddedPostgres({ dataDir, persistent: true, database: DATABASE, port });
    },
    async stall(ms) {
      const [setting] = await db.$queryRaw<Array<{ dir: string }>>`SELECT current_setting('data_directory') AS dir`;
      const pidFile = await readFile(path.join(setting?.dir ?? "", "postmaster.pid"), "utf8");
      const backends = await db.$queryRaw<Array<{ pid: number }>>`SELECT pid FROM pg_stat_activity`;
      // The postmaster first, so no new backend is forked meanwhile.
      const pids = [Number(pidFile.split("\n")[0]), ...backends.map((row) => row.pid)];
      for (const pid of pids) process.kill(pid, "SIGSTOP");
      await new Promise((resolve) => setTimeout(resolve, ms));
      for (const pid of pids) process.kill(pid, "SIGCONT");
    },
    async destroy() {
      await db.$disconnect();
      await server?.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
