// A PostgreSQL server of the outage test's own (the shared test server must stay up for the
// other files): persistent, so stopping it is an outage and starting it again on the same
// port and data folder is the recovery.
import { rm } from "node:fs/promises";
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
  destroy(): Promise<void>;
};

const DATABASE = "outage";

export async function startRestartableDatabase(): Promise<RestartableDatabase> {
  const dataDir = await scratchDataDir("saas-outage-pg-");
  let server: EmbeddedDatabase | null = await startEmbeddedPostgres({ dataDir, persistent: true, database: DATABASE });
  const port = server.port;
  await deployMigrations(server.url);
  const url = server.url;
  const db = createDb(url);
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
    async destroy() {
      await db.$disconnect();
      await server?.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
