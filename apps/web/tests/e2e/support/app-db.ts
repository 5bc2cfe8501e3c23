// Direct access to the app's database, for fixtures that set up state through the API
// fast path (mapping a user to a Stripe customer made on a test clock).
import { readFileSync } from "node:fs";
import pg from "pg";

export async function withAppDb<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  // The server leaves its embedded database's URL beside the data folder.
  const url = readFileSync(`${process.env.E2E_DATA_DIR}.url`, "utf8").trim();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** The personal organization of a user (their first membership), as sign-up made it. */
const PERSONAL_ORGANIZATION = `
  SELECT m.organization_id FROM memberships m JOIN users u ON u.id = m.user_id
  WHERE u.email = $1 ORDER BY m.created_at, m.id LIMIT 1`;

/** Maps the user's personal organization's account to a Stripe customer. */
export async function linkCustomer(email: string, customerId: string): Promise<void> {
  await withAppDb(async (db) => {
    const { rowCount } = await db.query(
      `UPDATE accounts SET stripe_customer_id = $2 WHERE organization_id = (${PERSONAL_ORGANIZATION})`,
      [email, customerId],
    );
    if (rowCount !== 1) throw new Error(`no account for ${email}`);
  });
}

export async function personalOrganizationIdOf(email: string): Promise<string> {
  return withAppDb(async (db) => {
    const { rows } = await db.query<{ organization_id: string }>(PERSONAL_ORGANIZATION, [email]);
    if (!rows[0]) throw new Error(`no organization for ${email}`);
    return rows[0].organization_id;
  });
}

/** The Stripe customer of the user's personal organization, or null. */
export async function personalCustomerOf(email: string): Promise<string | null> {
  return withAppDb(async (db) => {
    const { rows } = await db.query<{ stripe_customer_id: string | null }>(
      `SELECT stripe_customer_id FROM accounts WHERE organization_id = (${PERSONAL_ORGANIZATION})`,
      [email],
    );
    return rows[0]?.stripe_customer_id ?? null;
  });
}

export async function userIdOf(email: string): Promise<string> {
  return withAppDb(async (db) => {
    const { rows } = await db.query<{ id: string }>("SELECT id FROM users WHERE email = $1", [email]);
    if (!rows[0]) throw new Error(`no user ${email}`);
    return rows[0].id;
  });
}

/** Failed attempts for an email from addresses of their own, as another attacker's would be. */
export async function recordFailedAttempts(email: string, count: number): Promise<void> {
  await withAppDb((db) =>
    db.query(
      "INSERT INTO login_attempts (id, email, ip) " +
        "SELECT md5(random()::text), $1, '10.99.0.' || i FROM generate_series(1, $2::int) AS i",
      [email, count],
    ),
  );
}

/** The id of an organization of that name the user belongs to. */
export async function organizationIdOf(email: string, name: string): Promise<string> {
  return withAppDb(async (db) => {
    const { rows } = await db.query<{ id: string }>(
      `SELECT o.id FROM organizations o JOIN memberships m ON m.organization_id = o.id
       JOIN users u ON u.id = m.user_id WHERE u.email = $1 AND o.name = $2`,
      [email, name],
    );
    if (!rows[0]) throw new Error(`${email} has no organization ${name}`);
    return rows[0].id;
  });
}

/**
 * Makes the user a member of the organization, as accepting an invitation will (the
 * invitation flow needs email, which comes later).
 */
export async function addMembership(email: string, organizationId: string, role: string): Promise<void> {
  await withAppDb((db) =>
    db.query(
      `INSERT INTO memberships (id, user_id, organization_id, role)
       SELECT 'm_' || md5(random()::text), id, $2, $3::membership_role FROM users WHERE email = $1`,
      [email, organizationId, role],
    ),
  );
}

export async function removeMembership(email: string, organizationId: string): Promise<void> {
  await withAppDb((db) =>
    db.query(
      "DELETE FROM memberships WHERE organization_id = $2 AND user_id = (SELECT id FROM users WHERE email = $1)",
      [email, organizationId],
    ),
  );
}

/** Maps an organization's account to a Stripe customer. */
export async function linkOrganizationCustomer(organizationId: string, customerId: string): Promise<void> {
  await withAppDb(async (db) => {
    const { rowCount } = await db.query("UPDATE accounts SET stripe_customer_id = $2 WHERE organization_id = $1", [
      organizationId,
      customerId,
    ]);
    if (rowCount !== 1) throw new Error(`no account for organization ${organizationId}`);
  });
}
