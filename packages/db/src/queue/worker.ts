// A process's job worker (graphile-worker, decision 018) that also recovers the jobs of
// worker processes that died. graphile-worker leaves a job locked by a crashed process for
// 4 hours; a customer's queue is locked with it, so nothing of that customer would sync.
//
// Here each process holds a session advisory lock (LIVENESS_LOCK_CLASS, its own random key)
// on a connection of its own for as long as it lives, and lists its worker pool (in whose
// name graphile-worker locks jobs) in job_workers under that key as the pool is created.
// Every process sweeps now and then: pools whose key no session holds any more belong to a
// dead process (PostgreSQL dropped its connection, and so its lock, when it died), and their
// jobs and queues go back to the queue at once. A job that
// was running there runs again: tasks must be idempotent, as every task here is.
import { randomInt } from "node:crypto";
import { EventEmitter } from "node:events";
import { makeWorkerUtils, run, type Logger, type TaskList, type WorkerEvents, type WorkerUtils } from "graphile-worker";
import pg from "pg";

/** The advisory lock class of worker liveness keys ("jobs" in ASCII). */
export const LIVENESS_LOCK_CLASS = 0x6a6f6273;
const SWEEP_INTERVAL_MS = 10_000;
const RECONNECT_DELAY_MS = 1_000;

export type QueueWorker = {
  /** The ids of this process's worker pools, in whose name its jobs are locked. */
  poolIds(): string[];
  /** Hands the jobs of dead processes' pools back to the queue; returns those pools' ids. */
  sweep(): Promise<string[]>;
  /** Stops taking jobs, waits for running ones, then lets go of the liveness lock. */
  stop(): Promise<void>;
};

export async function startQueueWorker(options: {
  databaseUrl: string;
  concurrency: number;
  /** The tasks; given the worker's own utilities, for tasks that manage the queue itself. */
  taskList: TaskList | ((utils: WorkerUtils) => TaskList);
  crontab?: string;
  logger: Logger;
  /** New jobs arrive by LISTEN/NOTIFY at once; polling only picks up retries that fall due. */
  pollInterval?: number;
  sweepIntervalMs?: number;
}): Promise<QueueWorker> {
  const key = randomInt(1, 2 ** 31 - 1);
  const workerIds = new Set<string>();
  const liveness = new Liveness(options.databaseUrl, key, workerIds);
  await liveness.open();
  const utils = await makeWorkerUtils({ connectionString: options.databaseUrl, logger: options.logger });

  const events: WorkerEvents = new EventEmitter();
  const registrations: Array<Promise<void>> = [];
  // Jobs are locked in the name of the worker pool (one per process here), not of its workers.
  events.on("pool:create", ({ workerPool }) => {
    workerIds.add(workerPool.id);
    registrations.push(liveness.register(workerPool.id));
  });

  const sweep = async (): Promise<string[]> => {
    const dead = await liveness.deadWorkers();
    if (!dead.length) return [];
    await utils.forceUnlockWorkers(dead);
    await liveness.forget(dead);
    return dead;
  };
  // Jobs left by a process that died while none was running are handed back before this one starts.
  await sweep();
  const runner = await run({
    connectionString: options.databaseUrl,
    concurrency: options.concurrency,
    // The process owns its signals: it stops the worker as part of its own shutdown.
    noHandleSignals: true,
    pollInterval: options.pollInterval ?? 2_000,
    taskList: typeof options.taskList === "function" ? options.taskList(utils) : options.taskList,
    ...(options.crontab ? { crontab: options.crontab } : {}),
    logger: options.logger,
    events,
  });
  await Promise.all(registrations);
  const sweeper = setInterval(() => {
    sweep().catch((error: unknown) => options.logger.error(`sweeping dead workers failed: ${String(error)}`));
  }, options.sweepIntervalMs ?? SWEEP_INTERVAL_MS);
  sweeper.unref();

  return {
    poolIds: () => [...workerIds],
    sweep,
    async stop() {
      clearInterval(sweeper);
      await runner.stop();
      await liveness.close();
      await utils.release();
    },
  };
}

/** The process's liveness connection: holds the lock, and reopens it if the connection is lost. */
class Liveness {
  private client: pg.Client | null = null;
  private closed = false;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly databaseUrl: string,
    private readonly key: number,
    private readonly workerIds: Set<string>,
  ) {}

  async open(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl, application_name: "job worker liveness" });
    client.on("error", () => this.lost(client));
    client.on("end", () => this.lost(client));
    try {
      await client.connect();
      await client.query("SELECT pg_advisory_lock($1, $2)", [LIVENESS_LOCK_CLASS, this.key]);
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    this.client = client;
    // After a reconnection: a sweeper may have forgotten these workers meanwhile.
    for (const workerId of this.workerIds) await this.register(workerId);
  }

  async register(workerId: string): Promise<void> {
    await this.query(
      "INSERT INTO job_workers (worker_id, liveness_key) VALUES ($1, $2) ON CONFLICT (worker_id) DO NOTHING",
      [workerId, this.key],
    );
  }

  async deadWorkers(): Promise<string[]> {
    const { rows } = await this.query<{ worker_id: string }>(
      `SELECT worker_id FROM job_workers AS w
       WHERE NOT EXISTS (
         SELECT 1 FROM pg_locks AS l
         WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
           AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
           AND l.classid = $1::int::oid AND l.objid = w.liveness_key::oid)`,
      [LIVENESS_LOCK_CLASS],
    );
    return rows.map((row) => row.worker_id);
  }

  async forget(workerIds: string[]): Promise<void> {
    await this.query("DELETE FROM job_workers WHERE worker_id = ANY($1::text[])", [workerIds]);
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = null;
    if (!client) return;
    await client.query("DELETE FROM job_workers WHERE liveness_key = $1", [this.key]).catch(() => {});
    await client.end().catch(() => {});
  }

  /** One query at a time on the connection (the sweeper and new pools' registrations share it). */
  private async query<R extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<pg.QueryResult<R>> {
    const run = this.queue.then(() => {
      if (!this.client) throw new Error("the job worker's liveness connection is down (reconnecting)");
      return this.client.query<R>(text, values);
    });
    this.queue = run.then(
      () => {},
      () => {},
    );
    return run;
  }

  /** The lock went with the connection: take it again on a new one, until that works or the worker stops. */
  private lost(client: pg.Client): void {
    if (this.client !== client || this.closed) return;
    this.client = null;
    const retry = () => {
      if (this.closed) return;
      this.open().catch(() => setTimeout(retry, RECONNECT_DELAY_MS).unref());
    };
    setTimeout(retry, RECONNECT_DELAY_MS).unref();
  }
}
