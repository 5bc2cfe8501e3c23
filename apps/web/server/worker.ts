// The job worker: runs the queue's jobs (graphile-worker, decision 018) with every package's
// tasks (billing's syncs, mail's sends), and the hourly housekeeping; jobs of a worker process that died are taken over
// (startQueueWorker). `pnpm dev` and `pnpm start` run it in the web process;
// `pnpm worker` runs it on its own (server/worker-main.ts), as many as needed, all sharing
// the one PostgreSQL.
import { billingTasks, createStripeClient, type StripeSettings } from "@saas/billing";
import { createDb } from "@saas/db/client";
import { startQueueWorker } from "@saas/db/queue";
import { createMailTransport, mailTasks, type MailConfig } from "@saas/mail";
import { Logger, type LogLevel, type TaskList, type WorkerUtils } from "graphile-worker";
import { HOUSEKEEPING_CRONTAB, HOUSEKEEPING_TASK, runHousekeeping } from "./housekeeping.ts";

export type JobWorker = { stop(): Promise<void> };

/** The queue's own messages: warnings and errors only, as one JSON line each. */
const queueLogger = new Logger((scope) => (level: LogLevel, message: string) => {
  if (level !== "warning" && level !== "error") return;
  console.error(JSON.stringify({ msg: "job queue", level, message, ...scope }));
});

const logJob = (line: object) => console.log(JSON.stringify({ msg: "job", ...line }));

export async function startJobWorker(options: {
  databaseUrl: string;
  stripe: StripeSettings;
  /** Where emails go (SMTP_URL, or the embedded inbox in development) and how they read. */
  mail: MailConfig & { smtpUrl: string };
  concurrency: number;
}): Promise<JobWorker> {
  const db = createDb(options.databaseUrl);
  const { secretKey, apiBase, timeoutMs } = options.stripe;
  const stripe = createStripeClient({ secretKey, apiBase, timeoutMs });
  const { smtpUrl, ...mailConfig } = options.mail;
  const transport = createMailTransport(smtpUrl);
  const taskList = (utils: WorkerUtils): TaskList => ({
    ...billingTasks({ db, stripe }, logJob),
    ...mailTasks({ db, transport, config: mailConfig }, logJob),
    [HOUSEKEEPING_TASK]: async () => {
      const started = performance.now();
      const result = await runHousekeeping(db, utils);
      logJob({ task: HOUSEKEEPING_TASK, ok: true, ...result, ms: Math.round(performance.now() - started) });
    },
  });
  const worker = await startQueueWorker({
    databaseUrl: options.databaseUrl,
    concurrency: options.concurrency,
    taskList,
    crontab: HOUSEKEEPING_CRONTAB,
    logger: queueLogger,
  });
  return {
    async stop() {
      await worker.stop();
      transport.close();
      await db.$disconnect();
    },
  };
}
