// The send job on the queue (graphile-worker, decision 018): an email is a row of
// email_log plus a `mail.send` job, inserted together in the caller's transaction, so the
// email exists exactly when what caused it does, and goes out only after that commits.
import type { Tx } from "@saas/db";
import type { EmailData, EmailKind, EmailSecret } from "../templates/index.tsx";

export const EMAIL_TASK = "mail.send";

/**
 * The queue waits exp(min(attempt, 10)) seconds between attempts: 3 s, 7 s, 20 s, … then
 * about 6 hours; 16 attempts span about two days of an SMTP provider being down.
 */
export const EMAIL_MAX_ATTEMPTS = 16;

export type EmailPayload = { key: string; secret?: unknown };

/** Who receives it: a user (their email as it is when it is sent), or an address (an invitee). */
type Recipient = { userId: string; to?: never } | { to: string; userId?: never };

type QueuedEmail<K extends EmailKind> = { key: string; kind: K; data: EmailData<K> } & Recipient &
  (EmailSecret<K> extends undefined ? { secret?: never } : { secret: EmailSecret<K> });

/**
 * Queues one email in the caller's transaction. `key` names its cause (e.g.
 * `payment_failed:<invoice id>`): a key already used inserts nothing and queues nothing, so
 * a replayed or duplicated event never sends a second email. Returns whether it was new.
 *
 * A kind's secret goes into the job's payload only: the queue deletes the job once the
 * email is sent, and email_log never holds it.
 */
export async function enqueueEmail<K extends EmailKind>(tx: Tx, email: QueuedEmail<K>): Promise<boolean> {
  const secret = email.secret === undefined ? null : JSON.stringify(email.secret);
  const data = JSON.stringify(email.data);
  const [row] = await tx.$queryRaw<Array<{ queued: number }>>`
    WITH logged AS (
      INSERT INTO email_log (key, kind, user_id, recipient, data)
      VALUES (${email.key}, ${email.kind}, ${email.userId ?? null}, ${email.to ?? null}, ${data}::jsonb)
      ON CONFLICT (key) DO NOTHING
      RETURNING key
    ), queued AS (
      SELECT graphile_worker.add_job(
        ${EMAIL_TASK},
        json_strip_nulls(json_build_object('key', logged.key, 'secret', ${secret}::json)),
        job_key => 'email:' || logged.key,
        max_attempts => ${EMAIL_MAX_ATTEMPTS}::int
      ) FROM logged
    )
    SELECT (SELECT count(*) FROM queued)::int AS queued`;
  return (row?.queued ?? 0) > 0;
}

/**
 * Drops an email that has not gone out yet (an invitation revoked or sent again): its job
 * leaves the queue unless a worker holds it already, and its row says why it was skipped.
 */
export async function cancelQueuedEmail(tx: Tx, key: string, reason: string): Promise<void> {
  await tx.$queryRaw`SELECT graphile_worker.remove_job(${`email:${key}`})`;
  await tx.emailLog.updateMany({ where: { key, status: "queued" }, data: { status: "skipped", error: reason } });
}

export function parseEmailPayload(payload: unknown): EmailPayload {
  const { key, secret } = (payload ?? {}) as { key?: unknown; secret?: unknown };
  if (typeof key !== "string" || !key) throw new Error(`not an email payload: ${JSON.stringify(payload)}`);
  return secret === undefined ? { key } : { key, secret };
}
