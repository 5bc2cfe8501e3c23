// GET /healthz (routes/healthz.ts; the test lives beside routes/ because every file in it is
// a route). Liveness must not fail because the app is busy: with every connection of the
// main pool held, as in a burst of webhooks, it still answers 200 at once.
import type { PrismaClient } from "@saas/db";
import type { EmbeddedDatabase } from "@saas/db/embedded";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

let server: EmbeddedDatabase;
let db: PrismaClient;
let loader: () => Promise<Response>;
beforeAll(async () => {
  const { scratchDataDir, startEmbeddedPostgres } = await import("@saas/db/embedded");
  const { createDb } = await import("@saas/db/client");
  server = await startEmbeddedPostgres({
    dataDir: await scratchDataDir("saas-healthz-pg-"),
    persistent: false,
    unsafeFast: true,
  });
  const { deployMigrations } = await import("@saas/db/migrate");
  await deployMigrations(server.url);
  db = createDb(server.url, { max: 3 });
  vi.doMock("~/lib/db.server", () => ({ db }));
  ({ loader } = await import("./routes/healthz"));
}, 60_000);
afterAll(async () => {
  await db?.$disconnect();
  await server?.stop();
});

/** Holds every connection of the pool in an open transaction until released. */
async function saturate(size: number): Promise<() => Promise<void>> {
  let release = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  const opened: Array<Promise<void>> = [];
  const held = Array.from({ length: size }, () => {
    let open = () => {};
    opened.push(new Promise<void>((resolve) => (open = resolve)));
    return db.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT 1`;
        open();
        await gate;
      },
      { maxWait: 20_000, timeout: 30_000 },
    );
  });
  await Promise.all(opened);
  return async () => {
    release();
    await Promise.all(held);
  };
}

async function healthz() {
  const started = Date.now();
  const response = await loader();
  return { status: response.status, body: (await response.json()) as unknown, ms: Date.now() - started };
}

describe("GET /healthz", () => {
  it("answers 200 with the database up and the job queue's backlog", async () => {
    expect(await healthz()).toMatchObject({
      status: 200,
      body: { ok: true, db: "up", queue: { depth: 0, oldestAgeSeconds: 0, failed: 0 } },
    });
    await db.$executeRaw`SELECT graphile_worker.add_job('healthz.example', run_at => now() + interval '1 hour')`;
    await db.$executeRaw`UPDATE graphile_worker._private_jobs SET created_at = now() - interval '2 minutes'`;
    expect(await healthz()).toMatchObject({ body: { queue: { depth: 1, oldestAgeSeconds: 120, failed: 0 } } });
    await db.$executeRaw`DELETE FROM graphile_worker._private_jobs`;
  });

  it("answers 200 at once while every connection of the main pool is busy", async () => {
    const release = await saturate(3);
    try {
      const result = await healthz();
      expect(result).toMatchObject({ status: 200, body: { ok: true, db: "up", queue: { depth: 0 } } });
      // It used to wait 2 s for a pooled connection and then say 503.
      expect(result.ms).toBeLessThan(1_000);
    } finally {
      await release();
    }
  });

  it("stays live (200) and reports the database down when PostgreSQL is gone", async () => {
    await server.stop();
    const result = await healthz();
    expect(result).toMatchObject({ status: 200, body: { ok: true, db: "down", queue: null } });
    expect(result.ms).toBeLessThan(2_000);
  });
});
