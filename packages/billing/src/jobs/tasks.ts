// The billing package's tasks for the worker (apps/web runs it in-process, `pnpm worker`
// on its own): one structured log line per job run.
import type { TaskList } from "graphile-worker";
import { runCustomerSync, type CustomerSyncDeps } from "./customer-sync-job.ts";
import { CUSTOMER_SYNC_TASK, parseCustomerSyncPayload } from "./queue.ts";

export type JobLogLine = {
  task: string;
  job: string;
  attempt: number;
  customer?: string;
  ok: boolean;
  applied?: number;
  stripeRequests?: number;
  error?: string;
  ms: number;
};

export function billingTasks(deps: CustomerSyncDeps, log?: (line: JobLogLine) => void): TaskList {
  return {
    [CUSTOMER_SYNC_TASK]: async (payload, helpers) => {
      const started = performance.now();
      const { customerId } = parseCustomerSyncPayload(payload);
      const line = {
        task: CUSTOMER_SYNC_TASK,
        job: helpers.job.id,
        attempt: helpers.job.attempts,
        customer: customerId,
      };
      try {
        const result = await runCustomerSync(deps, customerId, {
          attempt: helpers.job.attempts,
          maxAttempts: helpers.job.max_attempts,
        });
        log?.({
          ...line,
          ok: true,
          applied: result.applied,
          stripeRequests: result.stripeRequests,
          ms: Math.round(performance.now() - started),
        });
      } catch (error) {
        log?.({
          ...line,
          ok: false,
          error: error instanceof Error ? error.message : String(error),
          ms: Math.round(performance.now() - started),
        });
        throw error;
      }
    },
  };
}
