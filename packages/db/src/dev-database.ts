// The database for `pnpm dev`, `pnpm start` and the db:* commands: DATABASE_URL when
// set, otherwise the embedded PostgreSQL whose data lives in <repo>/.data/postgres.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "./embedded-postgres.ts";
import { readDatabaseEnv } from "./env.ts";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const devDataDir = path.join(repoRoot, ".data", "postgres");

export type AppDatabase = { url: string; embedded: EmbeddedDatabase | null; stop(): Promise<void> };

/** `embeddedDir` moves the embedded data folder (relative paths are from the repository root). */
export async function openAppDatabase(options: { embeddedDir?: string } = {}): Promise<AppDatabase> {
  const { DATABASE_URL } = readDatabaseEnv();
  if (DATABASE_URL) return { url: DATABASE_URL, embedded: null, stop: async () => {} };
  const dataDir = options.embeddedDir ? path.resolve(repoRoot, options.embeddedDir) : devDataDir;
  const embedded = await startEmbeddedPostgres({ dataDir, persistent: true, database: "app" });
  return { url: embedded.url, embedded, stop: () => embedded.stop() };
}
