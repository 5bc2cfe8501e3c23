// A worker process that dies mid-job (SIGKILL) gives its job back to the queue at once, to a
// live process; a live process's jobs are never taken from it.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Logger, makeWorkerUtils, type WorkerUtils } from "graphile-worker";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "../testing/index.ts";
import { startQueueWorker, type QueueWorker } from "./worker.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
let database: TestDatabase;
let utils: WorkerUtils;
const children: ChildProcess[] = [];
const workers: QueueWorker[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  await database.db.$executeRaw`CREATE TABLE recorded_jobs (mark text, pid int)`;
  utils = await makeWorkerUtils({ connectionString: database.url, logger: new Logger(() => () => {}) });
});
afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await Promise.all(workers.map((worker) => worker.stop()));
  await utils?.release();
  await database?.drop();
});

/** A worker process; resolves once it takes jobs. */
async function startWorkerProcess(): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(here, "testing/worker-process.ts"), database.url],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("ready")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`worker process exited with ${String(code)}`)));
  });
  return child;
}

const recorded = async () =>
  (await database.db.$queryRaw<Array<{ mark: string; pid: number }>>`SELECT mark, pid FROM recorded_jobs`).map(
    (row) => row.mark,
  );
const lockedJobs = () =>
  database.db.$queryRaw<Array<{ locked_by: string | null }>>`
    SELECT locked_by FROM graphile_worker.jobs WHERE locked_at IS NOT NULL`;

it(
  "hands a killed process's job to a live worker, and never takes a live process's job",
  { timeout: 120_000 },
  async () => {
    const doomed = await startWorkerProcess();
    // In its own queue, as a customer's sync is: the queue is locked while the job runs.
    await utils.addJob("test:record", { mark: "hang" }, { queueName: "customer-a" });
    await vi.waitFor(async () => expect(await recorded()).toEqual(["hang"]), { timeout: 30_000 });
    expect(await lockedJobs()).toHaveLength(1);

    // This process's worker runs the same task, without hanging: a second run is visible.
    const survivor = await startQueueWorker({
      databaseUrl: database.url,
      concurrency: 1,
      pollInterval: 200,

      sweepIntervalMs: 60_000,
      logger: new Logger(() => () => {}),
      taskList: {
        "test:record": async (payload) => {
          const { mark } = payload as { mark: string };
          await database.db.$executeRaw`INSERT INTO recorded_jobs (mark, pid) VALUES (${`${mark} again`}, 0)`;
        },
      },
    });
    workers.push(survivor);
    // The hanging job's process is alive: sweeping takes nothing from it.
    expect(await survivor.sweep()).toEqual([]);
    expect(await lockedJobs()).toHaveLength(1);

    doomed.kill("SIGKILL");
    await new Promise((resolve) => doomed.once("exit", resolve));
    // PostgreSQL notices the dropped connection (and lock) within moments.
    await vi.waitFor(async () => expect(await survivor.sweep()).toHaveLength(1), { timeout: 10_000, interval: 100 });
    await vi.waitFor(async () => expect(await recorded()).toEqual(["hang", "hang again"]), { timeout: 30_000 });
    expect(await database.db.$queryRaw`SELECT id FROM graphile_worker.jobs`).toEqual([]);
    // Only the survivor is still listed.
    expect(await database.db.jobWorker.count()).toBe(1);
  },
);
