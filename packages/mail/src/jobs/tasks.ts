// The mail package's task for the worker (apps/web runs it in-process, `pnpm worker` on its
// own): one structured log line per send.
import type { TaskList } from "graphile-worker";
import { EMAIL_TASK, parseEmailPayload } from "./queue.ts";
import { runEmailJob, type EmailJobDeps } from "./send-email-job.ts";

export type MailJobLogLine = {
  task: string;
  job: string;
  attempt: number;
  email: string;
  ok: boolean;
  outcome?: string;
  error?: string;
  ms: number;
};

export function mailTasks(deps: EmailJobDeps, log?: (line: MailJobLogLine) => void): TaskList {
  return {
    [EMAIL_TASK]: async (payload, helpers) => {
      const started = performance.now();
      const { key, secret } = parseEmailPayload(payload);
      const line = { task: EMAIL_TASK, job: helpers.job.id, attempt: helpers.job.attempts, email: key };
      const ms = () => Math.round(performance.now() - started);
      try {
        const result = await runEmailJob(
          deps,
          key,
          {
            attempt: helpers.job.attempts,
            maxAttempts: helpers.job.max_attempts,
          },
          secret,
        );
        log?.({ ...line, ok: true, outcome: result.outcome, ms: ms() });
      } catch (error) {
        log?.({ ...line, ok: false, error: error instanceof Error ? error.message : String(error), ms: ms() });
        throw error;
      }
    },
  };
}
