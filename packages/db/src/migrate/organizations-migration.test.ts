// The organizations migration replayed on a database filled under the schema before it:
// every account keeps its Stripe customer and subscriptions, and every user owns a
// personal organization that the account now belongs to.
import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../testing/index.ts";
import { deployMigrations, migrationsDir } from "./index.ts";

const MIGRATION = "20261202154856_organizations";

let database: TestDatabase;
let previousDir: string;
let client: pg.Client;

beforeAll(async () => {
  database = await createTestDatabase({ empty: true });
  // The migrations folder as it was before this migration.
  previousDir = await mkdtemp(path.join(os.tmpdir(), "saas-migrations-before-orgs-"));
  for (const name of await readdir(migrationsDir)) {
    if (name < MIGRATION || !/^\d{14}_/.test(name))
      await cp(path.join(migrationsDir, name), path.join(previousDir, name), { recursive: true });
  }
  await deployMigrations(database.url, { migrationsDir: previousDir });
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
});

afterAll(async () => {
  await client.end();
  await database.drop();
  await rm(previousDir, { recursive: true, force: true });
});

const USERS = [
  { id: "u_ada", email: "ada@example.com", name: "Ada Lovelace", customer: "cus_ada", subscriptions: ["sub_ada"] },
  {
    id: "u_bob",
    email: "bob.smith+x@example.com",
    name: null,
    customer: "cus_bob",
    subscriptions: ["sub_b1", "sub_b2"],
  },
  { id: "u_cy", email: "cy@example.com", name: "", customer: null, subscriptions: [] },
  // Two users whose emails share a local part: their organizations' slugs must still differ.
  { id: "u_ada2", email: "ada@example.org", name: "Ada Two", customer: "cus_ada2", subscriptions: [] },
];

async function fillPreviousSchema() {
  for (const user of USERS) {
    await client.query(
      `INSERT INTO users (id, email, password_hash, name, updated_at) VALUES ($1, $2, '!unusable', $3, now())`,
      [user.id, user.email, user.name],
    );
    await client.query(
      `INSERT INTO accounts (id, user_id, stripe_customer_id, updated_at) VALUES ($1, $2, $3, now())`,
      [`acct_${user.id}`, user.id, user.customer],
    );
    for (const sub of user.subscriptions) {
      await client.query(
        `INSERT INTO subscriptions (id, account_id, stripe_subscription_id, stripe_customer_id, status,
           stripe_price_id, stripe_product_id, current_period_start, current_period_end, synced_at)
         VALUES ($1, $2, $1, $3, 'active', 'price_1', 'prod_1', now(), now() + interval '30 days', now())`,
        [sub, `acct_${user.id}`, user.customer],
      );
    }
  }
  await client.query(
    `INSERT INTO notifications (id, user_id, kind, title, body) VALUES ('n1', 'u_ada', 'payment_failed', 't', 'b')`,
  );
  await client.query(`INSERT INTO sessions (id, user_id, expires_at) VALUES ('s1', 'u_bob', now() + interval '1 day')`);
}

describe(`migration ${MIGRATION}`, () => {
  it("keeps every customer and subscription and gives each user a personal organization", async () => {
    await fillPreviousSchema();
    const applied = await deployMigrations(database.url);
    expect(applied).toContain(MIGRATION);

    const { rows: owners } = await client.query<{
      user_id: string;
      role: string;
      organization_id: string;
      name: string;
      slug: string;
      account_id: string;
      stripe_customer_id: string | null;
    }>(
      `SELECT m.user_id, m.role, o.id AS organization_id, o.name, o.slug, a.id AS account_id, a.stripe_customer_id
       FROM memberships m JOIN organizations o ON o.id = m.organization_id
       JOIN accounts a ON a.organization_id = o.id ORDER BY m.user_id`,
    );
    expect(owners).toHaveLength(USERS.length);
    for (const user of USERS) {
      const row = owners.find((o) => o.user_id === user.id);
      expect(row).toMatchObject({ role: "owner", account_id: `acct_${user.id}`, stripe_customer_id: user.customer });
    }
    expect(owners.find((o) => o.user_id === "u_ada")?.name).toBe("Ada Lovelace");
    // No name: the email's local part names the organization.
    expect(owners.find((o) => o.user_id === "u_bob")?.name).toBe("bob.smith+x");
    expect(owners.find((o) => o.user_id === "u_cy")?.name).toBe("cy");
    expect(owners.find((o) => o.user_id === "u_bob")?.slug).toMatch(/^bob-smith-x-[0-9a-f]{12}$/);
    expect(new Set(owners.map((o) => o.slug)).size).toBe(USERS.length);
    expect(new Set(owners.map((o) => o.organization_id)).size).toBe(USERS.length);

    const { rows: subscriptions } = await client.query<{ id: string; account_id: string; stripe_customer_id: string }>(
      "SELECT stripe_subscription_id AS id, account_id, stripe_customer_id FROM subscriptions ORDER BY 1",
    );
    const expected = USERS.flatMap((u) =>
      u.subscriptions.map((id) => ({ id, account_id: `acct_${u.id}`, stripe_customer_id: u.customer })),
    );
    expect(subscriptions).toEqual(expected.sort((a, b) => a.id.localeCompare(b.id)));

    const { rows: columns } = await client.query<{ column_name: string }>(
      "SELECT column_name FROM information_schema.columns WHERE table_name = 'accounts'",
    );
    expect(columns.map((c) => c.column_name)).not.toContain("user_id");

    const { rows: notifications } = await client.query<{ organization_id: string }>(
      "SELECT organization_id FROM notifications WHERE id = 'n1'",
    );
    expect(notifications[0]?.organization_id).toBe(owners.find((o) => o.user_id === "u_ada")?.organization_id);
    // Sessions keep working: no current organization yet means the personal one.
    const { rows: sessions } = await client.query<{ current_organization_id: string | null }>(
      "SELECT current_organization_id FROM sessions WHERE id = 's1'",
    );
    expect(sessions).toEqual([{ current_organization_id: null }]);
  });

  it("keeps an account's Stripe customer unique and one account per organization", async () => {
    const orgOfAda = "org_u_ada";
    await expect(
      client.query(`INSERT INTO accounts (id, organization_id, updated_at) VALUES ('again', $1, now())`, [orgOfAda]),
    ).rejects.toThrow(/accounts_organization_id_key/);
    await expect(
      client.query(`UPDATE accounts SET stripe_customer_id = 'cus_ada' WHERE id = 'acct_u_bob'`),
    ).rejects.toThrow(/accounts_stripe_customer_id_key/);
  });
});
