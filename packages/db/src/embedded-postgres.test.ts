import { spawn } from "node:child_process";
import { chmodSync, cpSync, existsSync, lstatSync, realpathSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { installedBinaries } from "./embedded/postgres-process.ts";
import { isRoot } from "./embedded/run-as.ts";
import { EmbeddedPostgresError, scratchDataDir, startEmbeddedPostgres } from "./embedded-postgres.ts";

async function scalar(url: string, sql: string): Promise<unknown> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ value: unknown }>(sql);
    return rows[0]?.value;
  } finally {
    await client.end();
  }
}

describe("embedded PostgreSQL", () => {
  it("keeps data across restarts of a persistent data folder, and refuses a second owner", async () => {
    const dataDir = await scratchDataDir("saas-embedded-test-");
    const first = await startEmbeddedPostgres({ dataDir, persistent: true, database: "app", unsafeFast: true });
    try {
      await scalar(first.url, "CREATE TABLE kept (value int)");
      await scalar(first.url, "INSERT INTO kept VALUES (42)");
      await expect(startEmbeddedPostgres({ dataDir, persistent: true })).rejects.toThrow(
        new RegExp(`in use by process ${process.pid}`),
      );
    } finally {
      await first.stop();
    }
    expect(existsSync(`${dataDir}.lock`)).toBe(false);

    const second = await startEmbeddedPostgres({ dataDir, persistent: false, database: "app", unsafeFast: true });
    try {
      expect(await scalar(second.url, "SELECT value FROM kept")).toBe(42);
    } finally {
      await second.stop();
    }
    expect(existsSync(dataDir)).toBe(false);
  });

  it("recovers a stale lock left by a process that died", async () => {
    const dataDir = await scratchDataDir("saas-embedded-test-");
    const dead = spawn(process.execPath, ["-e", ""]);
    await new Promise((resolve) => dead.on("exit", resolve));
    writeFileSync(`${dataDir}.lock`, String(dead.pid));

    const server = await startEmbeddedPostgres({ dataDir, persistent: false, unsafeFast: true });
    try {
      expect(await scalar(server.url, "SELECT 1 AS value")).toBe(1);
    } finally {
      await server.stop();
    }
  });

  it("reports a server that cannot start with PostgreSQL's own message", async () => {
    const dataDir = await scratchDataDir("saas-embedded-test-");
    const holder = await startEmbeddedPostgres({ dataDir, persistent: false, unsafeFast: true });
    const other = await scratchDataDir("saas-embedded-test-");
    try {
      const attempt = startEmbeddedPostgres({ dataDir: other, persistent: false, port: holder.port });
      await expect(attempt).rejects.toBeInstanceOf(EmbeddedPostgresError);
      await expect(attempt).rejects.toThrow(/did not start[\s\S]*(could not bind|Address already in use)/);
    } finally {
      await holder.stop();
      await rm(other, { recursive: true, force: true });
    }
  });
});

describe("embedded PostgreSQL from a private folder", () => {
  // A checkout in root's home folder or in `mktemp -d` sits below a mode-0700 folder. As
  // root, PostgreSQL runs as the `postgres` user, who cannot enter it: it must still start.
  it("starts from binaries and a data folder below a mode-0700 folder, and keeps the data", async () => {
    const privateDir = await mkdtemp(path.join(os.tmpdir(), "saas-private-"));
    chmodSync(privateDir, 0o700);
    const stateDir = await mkdtemp(path.join(os.tmpdir(), "saas-root-state-"));
    chmodSync(stateDir, 0o755);
    const checkout = path.join(privateDir, "checkout");
    const binaries = path.join(checkout, "node_modules", "native");
    cpSync(installedBinaries().nativeDir, binaries, { recursive: true, verbatimSymlinks: true });
    const dataDir = path.join(checkout, ".data", "postgres");
    const options = { dataDir, binaries, rootStateDir: stateDir, persistent: true, database: "app", unsafeFast: true };
    try {
      const first = await startEmbeddedPostgres(options);
      try {
        await scalar(first.url, "CREATE TABLE kept AS SELECT 7 AS value");
      } finally {
        await first.stop();
      }
      if (isRoot()) {
        // The data went where the postgres user can reach it, linked from where it was asked for.
        expect(lstatSync(dataDir).isSymbolicLink()).toBe(true);
        expect(realpathSync(dataDir).startsWith(realpathSync(stateDir))).toBe(true);
      }
      const second = await startEmbeddedPostgres({ ...options, persistent: false });
      try {
        expect(await scalar(second.url, "SELECT value FROM kept")).toBe(7);
      } finally {
        await second.stop();
      }
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      await rm(privateDir, { recursive: true, force: true });
      await rm(stateDir, { recursive: true, force: true });
    }
  });

  it("says which folder is unusable and how to choose another, without starting anything", async () => {
    const parent = await mkdtemp(path.join(os.tmpdir(), "saas-unusable-"));
    const notAFolder = path.join(parent, "file");
    writeFileSync(notAFolder, "");
    try {
      const attempt = startEmbeddedPostgres({ dataDir: path.join(notAFolder, "postgres"), persistent: true });
      await expect(attempt).rejects.toBeInstanceOf(EmbeddedPostgresError);
      await expect(attempt).rejects.toThrow(new RegExp(`cannot create ${notAFolder}.*EMBEDDED_POSTGRES_DIR`));
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });
});
