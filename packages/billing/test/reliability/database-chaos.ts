// Injected database failures: real PostgreSQL errors raised by triggers, so the handler meets
// exactly what a failing database gives it, with no seam in the code under test.
import type { PrismaClient } from "@saas/db";

const INJECTED_FAILURE = "injected chaos failure";

/**
 * Each transaction that writes a handled event's log row (the acceptance) or its effects
 * (a sync job: subscriptions, notifications, the log row marked applied) fails with
 * `probability`, rolled once per transaction: at its first such write, or at COMMIT for
 * an acceptance (a deferred trigger on webhook_log), after the job was queued in the same
 * statement. Failing there is what tells "recorded with its job" from "recorded, job lost".
 *
 * Ignored rows are spared, as before, to keep the roll on the handled path.
 *
 * The first roll of each kind (acceptance, job) always fails, so even a short run goes through
 * both retries. The counts live in sequences because sequences are not rolled back with the
 * transaction.
 */
export async function injectDatabaseFailures(db: PrismaClient, probability: number): Promise<void> {
  await db.$executeRawUnsafe(`CREATE SEQUENCE IF NOT EXISTS chaos_rolls`);
  await db.$executeRawUnsafe(`CREATE SEQUENCE IF NOT EXISTS chaos_rolls_accept`);
  await db.$executeRawUnsafe(`CREATE SEQUENCE IF NOT EXISTS chaos_rolls_job`);
  await db.$executeRawUnsafe(`CREATE SEQUENCE IF NOT EXISTS chaos_injected_failures`);
  await db.$executeRawUnsafe(`
    CREATE OR REPLACE FUNCTION chaos_maybe_fail() RETURNS trigger AS $$
    DECLARE
      roll text := current_setting('chaos.roll', true);
    BEGIN
      IF roll IS NULL OR roll = '' THEN
        PERFORM nextval('chaos_rolls');
        roll := CASE WHEN nextval('chaos_rolls_' || TG_ARGV[0]) = 1 OR random() < ${Number(probability)}
          THEN 'fail' ELSE 'pass' END;
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
      `CREATE TRIGGER chaos_fail AFTER INSERT OR UPDATE ON ${table} ` +
        `FOR EACH ROW EXECUTE FUNCTION chaos_maybe_fail('job')`,
    );
  }
  await db.$executeRawUnsafe(`
    CREATE CONSTRAINT TRIGGER chaos_fail_at_commit AFTER INSERT ON webhook_log
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.outcome <> 'ignored')
    EXECUTE FUNCTION chaos_maybe_fail('accept')`);
  await db.$executeRawUnsafe(`
    CREATE TRIGGER chaos_fail_applied AFTER UPDATE ON webhook_log
    FOR EACH ROW WHEN (NEW.outcome = 'applied') EXECUTE FUNCTION chaos_maybe_fail('job')`);
}

/** Drops the triggers, so the assertions' own reads and any later test run on a healthy database. */
export async function removeDatabaseFailures(db: PrismaClient): Promise<void> {
  for (const table of ["subscriptions", "notifications"])
    await db.$executeRawUnsafe(`DROP TRIGGER IF EXISTS chaos_fail ON ${table}`);
  await db.$executeRawUnsafe(`DROP TRIGGER IF EXISTS chaos_fail_at_commit ON webhook_log`);
  await db.$executeRawUnsafe(`DROP TRIGGER IF EXISTS chaos_fail_applied ON webhook_log`);
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
