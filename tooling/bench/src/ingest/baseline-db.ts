// The baseline's own database on the app's PostgreSQL server: same server, same settings,
// same schema (the app's migrations), same users, organizations, memberships and accounts,
// empty otherwise.
import { deployMigrations } from "@saas/db/migrate";
import pg from "pg";

const BASELINE_DATABASE = "bench_baseline";

export async function createBaselineDatabase(appDatabaseUrl: string): Promise<string> {
  const adminUrl = withDatabase(appDatabaseUrl, "postgres");
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${BASELINE_DATABASE}`);
    await admin.query(`CREATE DATABASE ${BASELINE_DATABASE}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(appDatabaseUrl, BASELINE_DATABASE);
  await deployMigrations(url);
  const source = new pg.Client({ connectionString: appDatabaseUrl });
  const target = new pg.Client({ connectionString: url });
  await Promise.all([source.connect(), target.connect()]);
  try {
    const users = await source.query<{ id: string; email: string }>(`SELECT id, email FROM users`);
    const organizations = await source.query<{ id: string; name: string; slug: string }>(
      `SELECT id, name, slug FROM organizations`,
    );
    const memberships = await source.query<{ id: string; user_id: string; organization_id: string; role: string }>(
      `SELECT id, user_id, organization_id, role::text AS role FROM memberships`,
    );
    const accounts = await source.query<{ id: string; organization_id: string; stripe_customer_id: string | null }>(
      `SELECT id, organization_id, stripe_customer_id FROM accounts`,
    );
    await target.query(
      `INSERT INTO users (id, email, password_hash, updated_at)
       SELECT * , 'x', now() FROM unnest($1::text[], $2::text[])`,
      [users.rows.map((u) => u.id), users.rows.map((u) => u.email)],
    );
    await target.query(
      `INSERT INTO organizations (id, name, slug, updated_at)
       SELECT *, now() FROM unnest($1::text[], $2::text[], $3::text[])`,
      [
        organizations.rows.map((o) => o.id),
        organizations.rows.map((o) => o.name),
        organizations.rows.map((o) => o.slug),
      ],
    );
    await target.query(
      `INSERT INTO memberships (id, user_id, organization_id, role)
       SELECT i, u, o, r::membership_role FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(i, u, o, r)`,
      [
        memberships.rows.map((m) => m.id),
        memberships.rows.map((m) => m.user_id),
        memberships.rows.map((m) => m.organization_id),
        memberships.rows.map((m) => m.role),
      ],
    );
    await target.query(
      `INSERT INTO accounts (id, organization_id, stripe_customer_id, updated_at)
       SELECT *, now() FROM unnest($1::text[], $2::text[], $3::text[])`,
      [
        accounts.rows.map((a) => a.id),
        accounts.rows.map((a) => a.organization_id),
        accounts.rows.map((a) => a.stripe_customer_id),
      ],
    );
  } finally {
    await Promise.all([source.end(), target.end()]);
  }
  return url;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
