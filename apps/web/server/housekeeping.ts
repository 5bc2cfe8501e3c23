// Housekeeping as a scheduled job on the queue (graphile-worker's cron, decision 018): every
// hour, once across all worker processes, so no table grows without bound.
import { pruneAuthRecords } from "@saas/auth";
import { pruneWebhookLog } from "@saas/billing";
import type { PrismaClient } from "@saas/db";
import { pruneEmailLog } from "@saas/mail";
import type { WorkerUtils } from "graphile-worker";

// Cron task names allow letters, digits, `_`, `-` and `:` only.
export const HOUSEKEEPING_TASK = "app:housekeeping";

/**
 * Hourly at minute 17. A run missed while no worker was up is not made up for: the next one
 * does the same work. `max=3` lets a run that fails be retried twice.
 */
export const HOUSEKEEPING_CRONTAB = `17 * * * * ${HOUSEKEEPING_TASK} ?max=3`;

/** Jobs that stopped after their last attempt are kept this long for `/healthz` and inspection. */
const STOPPED_JOB_DAYS = 7;

export type HousekeepingResult = {
  sessionsDeleted: number;
  loginAttemptsDeleted: number;
  payloadsCleared: number;
  webhookRowsDeleted: number;
  emailRowsDeleted: number;
  stoppedJobsDeleted: number;
};

/**
 * Expired sessions, login attempts, webhook payloads and sent emails past their retention
 * (see AUTH_RETENTION, WEBHOOK_RETENTION and EMAIL_RETENTION), jobs stopped for a week (their events stay `failed`
 * in the webhook log, and `pnpm billing:events retry` queues a new job), and the per-customer
 * queues no job uses any more. Finished jobs are deleted by the queue as they finish.
 */
export async function runHousekeeping(
  db: PrismaClient,
  queue: Pick<WorkerUtils, "cleanup" | "completeJobs">,
  now: Date = new Date(),
): Promise<HousekeepingResult> {
  const auth = await pruneAuthRecords(db, now);
  const webhooks = await pruneWebhookLog(db, now);
  const emails = await pruneEmailLog(db, now);
  const stopped = await db.$queryRaw<Array<{ id: string }>>`
    SELECT id::text FROM graphile_worker.jobs
    WHERE attempts >= max_attempts AND locked_at IS NULL
      AND updated_at < ${now}::timestamptz - make_interval(days => ${STOPPED_JOB_DAYS})`;
  if (stopped.length) await queue.completeJobs(stopped.map((job) => job.id));
  // Not GC_TASK_IDENTIFIERS: running workers cache task ids, and the task names are few and fixed.
  await queue.cleanup({ tasks: ["GC_JOB_QUEUES"] });
  return {
    sessionsDeleted: auth.sessionsDeleted,
    loginAttemptsDeleted: auth.loginAttemptsDeleted,
    payloadsCleared: webhooks.payloadsCleared,
    webhookRowsDeleted: webhooks.rowsDeleted,
    emailRowsDeleted: emails.rowsDeleted,
    stoppedJobsDeleted: stopped.length,
  };
}
