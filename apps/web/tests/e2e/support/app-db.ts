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

export async function linkCustomer(email: string, customerId: string): Promise<void> {
  await withAppDb(async (db) => {
    const { rowCount } = await db.query(
      "UPDATE accounts SET stripe_customer_id = $2 FROM users WHERE accounts.user_id = users.id AND users.email = $1",
      [email, customerId],
    );
    if (rowCount !== 1) throw new Error(`no account for ${email}`);
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
