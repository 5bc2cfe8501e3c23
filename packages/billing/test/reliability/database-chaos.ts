// Injected database failures: real PostgreSQL errors raised by triggers, so the handler meets
// exactly what a failing database gives it, with no seam in the code under test.
import type { PrismaClient } from "@saas/db";

const INJECTED_FAILURE = "injected chaos failure";

/**
 * Each transaction that logs a handled event fails with `probability`, rolled once per
 * transaction: at its first write to subscriptions or notifications (mid-processing, after
 * the log row is in), else at COMMIT (a deferred trigger on webhook_log). Failing after the
 * log insert is what tells "logged with the changes" from "logged, then processed".
 *
 * "ignored" rows are spared: the handler logs those outside its try (see the report), and a
 * throw there never answers the endpoint's request.
 *
 * The very first roll always fails, so even a short run goes through a retry. The counts live
 * in sequences because sequences are not rolled back with the transaction.
 */
export async function injectDatabaseFailures(db: PrismaClient, probability: number): Promise<void> {
  await db.$executeRawUnsafe(`CREATE SEQUENCE IF NOT EXISTS chaos_rolls`);
  await db.$executeRawUnsafe(`CREATE SEQUENCE IF NOT EXISTS chaos_injected_failures`);
  await db.$executeRawUnsafe(`
    CREATE OR REPLACE FUNCTION chaos_maybe_fail() RETURNS trigger AS $$
    DECLARE
      roll text := current_setting('chaos.roll', true);
    BEGIN
      IF roll IS NULL OR roll = '' THEN
        roll := CASE WHEN nextval('chaos_rolls') = 1 OR random() < ${Number(probability)} THEN 'fail' ELSE 'pass' END;
        PERFORM set_config('chaos.roll', roll, true);
      END IF;
      IF roll = 'fail' THEN
        PERFORM nextval('chaos_injected_failures');
        RAISE EXCEPTION '${INJECTED_FAILURE} (% on %)', TG_OP, TG_TABLE_NAME;
      END IF;
      RETURN NULL;
    END $$ LANGUAGE plpgsql`);
  for (const table of ["subscriptions", "notifications"]) {
    await db.$executeRawUnsafe(
      `CREATE TRIGGER chaos_fail AFTER INSERT OR UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION chaos_maybe_fail()`,
    );
  }
  await db.$executeRawUnsafe(`
    CREATE CONSTRAINT TRIGGER chaos_fail_at_commit AFTER INSERT ON webhook_log
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.outcome <> 'ignored') EXECUTE FUNCTION chaos_maybe_fail()`);
}

/** Drops the triggers, so the assertions' own reads and any later test run on a healthy database. */
export async function removeDatabaseFailures(db: PrismaClient): Promise<void> {
  for (const table of ["subscriptions", "notifications"])
    await db.$executeRawUnsafe(`DROP TRIGGER IF EXISTS chaos_fail ON ${table}`);
  await db.$executeRawUnsafe(`DROP TRIGGER IF EXISTS chaos_fail_at_commit ON webhook_log`);
}

/** How many transactions rolled the dice so far, and how many of them the triggers failed. */
export async function injectedFailureCounts(db: PrismaClient): Promise<{ rolls: number; failures: number }> {
  const count = async (sequence: string) => {
    const [row] = await db.$queryRawUnsafe<Array<{ count: bigint }>>(
      `SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS count FROM ${sequence}`,
    );
    return Number(row?.count ?? 0);
  };
  return { rolls: await count("chaos_rolls"), failures: await count("chaos_injected_failures") };
}
