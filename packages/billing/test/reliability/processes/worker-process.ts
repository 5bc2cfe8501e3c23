// One worker process of the multi-process run (processes.test.ts): the app's queue worker
// with billing's tasks. Prints one JSON line per job run, and {"kind":"ready","pools":[…]}.
import { createDb } from "@saas/db/client";
import { startQueueWorker } from "@saas/db/queue";
import { Logger } from "graphile-worker";
import { billingTasks } from "../../../src/jobs/tasks.ts";
import { createStripeClient } from "../../../src/stripe-client.ts";

const [databaseUrl = "", stripeApiBase = ""] = process.argv.slice(2);
const db = createDb(databaseUrl);
const stripe = createStripeClient({ secretKey: "sk_test_worker", apiBase: stripeApiBase });
const worker = await startQueueWorker({
  databaseUrl,
  concurrency: 2,
  pollInterval: 200,
  sweepIntervalMs: 500,
  logger: new Logger(() => () => {}),
  taskList: billingTasks({ db, stripe }, (line) => console.log(JSON.stringify({ kind: "job", ...line }))),
});
console.log(JSON.stringify({ kind: "ready", pools: worker.poolIds() }));
process.once("SIGTERM", () => {
  void worker.stop().then(() => db.$disconnect().then(() => process.exit(0)));
});
