// The send job on the queue (graphile-worker, decision 018): an email is a row of
// email_log plus a `mail.send` job, inserted together in the caller's transaction, so the
// email exists exactly when what caused it does, and goes out only after that commits.
import type { Tx } from "@saas/db";
import type { EmailData, EmailKind } from "../templates/index.tsx";

export const EMAIL_TASK = "mail.send";

/**
 * The queue waits exp(min(attempt, 10)) seconds between attempts: 3 s, 7 s, 20 s, … then
 * about 6 hours; 16 attempts span about two days of an SMTP provider being down.
 */
export const EMAIL_MAX_ATTEMPTS = 16;

export type EmailPayload = { key: string };

/**
 * Queues one email in the caller's transaction. `key` names its cause (e.g.
 * `payment_failed:<invoice id>`): a key already used inserts nothing and queues nothing, so
 * a replayed or duplicated event never sends a second email. Returns whether it was new.
 */
export async function enqueueEmail<K extends EmailKind>(
  tx: Tx,
  email: { key: string; kind: K; userId: string; data: EmailData<K> },
): Promise<boolean> {
  const [row] = await tx.$queryRaw<Array<{ queued: number }>>`
    WITH logged AS (
      INSERT INTO email_log (key, kind, user_id, data)
      VALUES (${email.key}, ${email.kind}, ${email.userId}, ${JSON.stringify(email.data)}::jsonb)
      ON CONFLICT (key) DO NOTHING
      RETURNING key
    ), queued AS (
      SELECT graphile_worker.add_job(
        ${EMAIL_TASK},
        json_build_object('key', logged.key),
        job_key => 'email:' || logged.key,
        max_attempts => ${EMAIL_MAX_ATTEMPTS}::int
      ) FROM logged
    )
    SELECT (SELECT count(*) FROM queued)::int AS queued`;
  return (row?.queued ?? 0) > 0;
}

export function parseEmailPayload(payload: unknown): EmailPayload {
  const key = (payload as { key?: unknown } | null)?.key;
  if (typeof key !== "string" || !key) throw new Error(`not an email payload: ${JSON.stringify(payload)}`);
  return { key };
}
