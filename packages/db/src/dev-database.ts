// The database for `pnpm dev`, `pnpm start` and the command-line tools: DATABASE_URL
// when set, otherwise the embedded PostgreSQL whose data lives in <repo>/.data/postgres.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DataDirInUse, startEmbeddedPostgres, type EmbeddedDatabase } from "./embedded-postgres.ts";
import type { DatabaseSettings } from "./env.ts";

export { readDatabaseEnv, type DatabaseSettings } from "./env.ts";
export { redactUrl } from "./pg-helpers.ts";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const devDataDir = path.join(repoRoot, ".data", "postgres");

export type AppDatabase = {
  url: string;
  /** The server this process started, if it started one. */
  embedded: EmbeddedDatabase | null;
  /** True when another process (a running `pnpm dev`) owns the embedded server and this one borrows it. */
  shared: boolean;
  stop(): Promise<void>;
};

export async function openAppDatabase(options: DatabaseSettings): Promise<AppDatabase> {
  if (options.databaseUrl) return { url: options.databaseUrl, embedded: null, shared: false, stop: async () => {} };
  const dataDir = options.embeddedDir ? path.resolve(repoRoot, options.embeddedDir) : devDataDir;
  // The owner of a running embedded server leaves its URL beside the data, so command-line
  // tools can work while `pnpm dev` is up.
  const urlFile = `${dataDir}.url`;
  try {
    const embedded = await startEmbeddedPostgres({ dataDir, persistent: true, database: "app" });
    writeFileSync(urlFile, embedded.url);
    return {
      url: embedded.url,
      embedded,
      shared: false,
      async stop() {
        rmSync(urlFile, { force: true });
        await embedded.stop();
      },
    };
  } catch (error) {
    if (error instanceof DataDirInUse && existsSync(urlFile)) {
      return { url: readFileSync(urlFile, "utf8").trim(), embedded: null, shared: true, stop: async () => {} };
    }
    throw error;
  }
}

/**
 * The database another process serves, without starting one: DATABASE_URL when set, else
 * the embedded PostgreSQL of a running `pnpm dev` (the URL it left beside its data); null
 * when there is neither. For processes that must not own the data, such as `pnpm worker`.
 */
export function findRunningAppDatabase(options: DatabaseSettings): AppDatabase | null {
  if (options.databaseUrl) return { url: options.databaseUrl, embedded: null, shared: false, stop: async () => {} };
  const dataDir = options.embeddedDir ? path.resolve(repoRoot, options.embeddedDir) : devDataDir;
  const urlFile = `${dataDir}.url`;
  if (!existsSync(urlFile)) return null;
  return { url: readFileSync(urlFile, "utf8").trim(), embedded: null, shared: true, stop: async () => {} };
}
