// A job worker in a process of its own, for worker.test.ts: runs `test:record` jobs, which
// insert their payload's `mark` into recorded_jobs and then wait for `release` (never, for a
// mark of "hang"). Prints "ready" once it takes jobs, "ran <mark>" after each job.
import { Logger } from "graphile-worker";
import pg from "pg";
import { startQueueWorker } from "../worker.ts";

const databaseUrl = process.argv[2] ?? "";
const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });

const worker = await startQueueWorker({
  databaseUrl,
  concurrency: 1,
  pollInterval: 200,
  logger: new Logger(() => () => {}),
  taskList: {
    "test:record": async (payload) => {
      const { mark } = payload as { mark: string };
      await pool.query("INSERT INTO recorded_jobs (mark, pid) VALUES ($1, $2)", [mark, process.pid]);
      if (mark === "hang") await new Promise(() => {});
      console.log(`ran ${mark}`);
    },
  },
});
console.log("ready");
process.once("SIGTERM", () => {
  void worker.stop().then(() => pool.end().then(() => process.exit(0)));
});
