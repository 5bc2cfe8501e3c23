import { spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { EmbeddedPostgresError, scratchDataDir, startEmbeddedPostgres } from "./embedded-postgres.ts";

async function scalar(url: string, sql: string): Promise<unknown> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows[0]?.value;
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
