// The billing package's tasks for the worker (apps/web runs it in-process, `pnpm worker`
// on its own): one structured log line per job run.
import type { Task, TaskList } from "graphile-worker";
import { isStripeRateLimited } from "../errors.ts";
import { runCustomerSync, type CustomerSyncDeps } from "./customer-sync-job.ts";
import { CUSTOMER_SYNC_TASK, parseCustomerSyncPayload } from "./queue.ts";
import { backOffRateLimitedSync } from "./rate-limit-backoff.ts";
import { parseSeatSyncPayload, runSeatSync, SEAT_SYNC_TASK } from "../seats/seat-sync.ts";
import { CUSTOMER_CONTACT_TASK, parseCustomerContactPayload, pushCustomerContact } from "../customers/contact-job.ts";
import {
  cancelDuplicateSubscription,
  DUPLICATE_SUBSCRIPTION_TASK,
  parseDuplicatePayload,
} from "../checkout/duplicate-subscriptions.ts";

export type JobLogLine = {
  task: string;
  job: string;
  attempt: number;
  customer?: string;
  organization?: string;
  ok: boolean;
  /** A seat job's member count, and Stripe's quantity before it when it changed it. */
  seats?: number | null;
  seatsWere?: number | null;
  /** The duplicate-subscription job: the subscription, and whether this run canceled it. */
  subscription?: string;
  canceled?: boolean;
  applied?: number;
  stripeRequests?: number;
  /** Stripe's rate limit turned this run back: it runs again in `retryInMs`, its attempt not spent. */
  backedOff?: { rateLimited: number; retryInMs: number };
  error?: string;
  ms: number;
};

export function billingTasks(deps: CustomerSyncDeps, log?: (line: JobLogLine) => void): TaskList {
  return {
    [CUSTOMER_SYNC_TASK]: async (payload, helpers) => {
      const started = performance.now();
      const parsed = parseCustomerSyncPayload(payload);
      const line = {
        task: CUSTOMER_SYNC_TASK,
        job: helpers.job.id,
        attempt: helpers.job.attempts,
        customer: parsed.customerId,
      };
      const ms = () => Math.round(performance.now() - started);
      try {
        const result = await runCustomerSync(deps, parsed.customerId, {
          attempt: helpers.job.attempts,
          maxAttempts: helpers.job.max_attempts,
        });
        log?.({ ...line, ok: true, applied: result.applied, stripeRequests: result.stripeRequests, ms: ms() });
      } catch (error) {
        if (isStripeRateLimited(error)) {
          // Success for the queue, so no attempt is spent; the job is queued again for later.
          const retryInMs = await backOffRateLimitedSync(deps.db, parsed);
          log?.({ ...line, ok: true, backedOff: { rateLimited: parsed.rateLimited + 1, retryInMs }, ms: ms() });
          return;
        }
        log?.({ ...line, ok: false, error: error instanceof Error ? error.message : String(error), ms: ms() });
        throw error;
      }
    },

    [CUSTOMER_CONTACT_TASK]: loggedTask(CUSTOMER_CONTACT_TASK, log, (payload) => {
      const { customerId } = parseCustomerContactPayload(payload);
      return {
        about: { customer: customerId },
        run: async () => {
          await pushCustomerContact(deps, customerId);
          return {};
        },
      };
    }),

    [DUPLICATE_SUBSCRIPTION_TASK]: loggedTask(DUPLICATE_SUBSCRIPTION_TASK, log, (payload) => {
      const { subscriptionId } = parseDuplicatePayload(payload);
      return {
        about: { subscription: subscriptionId },
        run: async () => ({ canceled: (await cancelDuplicateSubscription(deps, subscriptionId)).canceled }),
      };
    }),

    // A failure (Stripe's rate limit included) is retried with the queue's back-off.
    [SEAT_SYNC_TASK]: loggedTask(SEAT_SYNC_TASK, log, (payload, helpers) => {
      const { organizationId } = parseSeatSyncPayload(payload);
      return {
        about: { organization: organizationId },
        run: async () => {
          const result = await runSeatSync(deps, organizationId, {
            jobId: helpers.job.id,
            attempt: helpers.job.attempts,
          });
          return { seats: result.seats, seatsWere: result.changedFrom };
        },
      };
    }),
  };
}

type LineFields = Omit<JobLogLine, "task" | "job" | "attempt" | "ok" | "error" | "ms">;

/**
 * A task that logs one line per run: the job, what it is `about` (read from the payload; a
 * payload that cannot be read throws before anything runs), what `run` says it did, and
 * how long it took. A failure is logged and thrown, so the queue retries it.
 */
function loggedTask(
  task: string,
  log: ((line: JobLogLine) => void) | undefined,
  start: (payload: unknown, helpers: Parameters<Task>[1]) => { about: LineFields; run: () => Promise<LineFields> },
): Task {
  return async (payload, helpers) => {
    const started = performance.now();
    const { about, run } = start(payload, helpers);
    const line = { task, job: helpers.job.id, attempt: helpers.job.attempts, ...about };
    const ms = () => Math.round(performance.now() - started);
    try {
      const done = await run();
      log?.({ ...line, ...done, ok: true, ms: ms() });
    } catch (error) {
      log?.({ ...line, ok: false, error: error instanceof Error ? error.message : String(error), ms: ms() });
      throw error;
    }
  };
}
