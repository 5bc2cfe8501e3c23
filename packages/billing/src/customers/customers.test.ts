import { createUser } from "@saas/db/factories";
import type Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { BillingNotFound, StripeUnavailable } from "../errors.ts";
import { idleInTransaction, startBillingHarness, USER_FACING_ATTEMPTS, type BillingHarness } from "../testing.ts";
import { backfillCustomers } from "./backfill-customers.ts";
import { customerIdempotencyKey, ensureCustomer } from "./ensure-customer.ts";
import { updateUserEmail } from "./update-customer-email.ts";

let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness();
});
afterAll(() => h.close());
beforeEach(() => h.control.clearFaults());

const customersByEmail = async (email: string) => (await h.stripe.customers.list({ email, limit: 100 })).data;

/** The part of the client's request events used here (stripe-node types `on` and `off` as `any`). */
type RequestEvents = {
  on(event: "request", listener: (request: Stripe.RequestEvent) => void): void;
  off(event: "request", listener: (request: Stripe.RequestEvent) => void): void;
};

/** How many POST /v1/customers requests the client sends (retries included) while `run` runs. */
async function customerCreatesDuring(run: () => Promise<unknown>): Promise<number> {
  const events: RequestEvents = h.stripe;
  let creates = 0;
  const count = (request: Stripe.RequestEvent) => {
    if (request.method === "POST" && request.path === "/v1/customers") creates++;
  };
  events.on("request", count);
  try {
    await run();
    return creates;
  } finally {
    events.off("request", count);
  }
}

describe("ensureCustomer", () => {
  it("creates exactly one customer and one mapping under 20 concurrent calls", async () => {
    const user = await createUser(h.db, { name: "Concurrent Ada" });
    const ids = await Promise.all(Array.from({ length: 20 }, () => ensureCustomer(h, user.id)));

    expect(new Set(ids).size).toBe(1);
    const customers = await customersByEmail(user.email);
    expect(customers).toHaveLength(1);
    expect(customers[0]).toMatchObject({
      id: ids[0],
      email: user.email,
      name: "Concurrent Ada",
      metadata: { userId: user.id },
    });
    const account = await h.db.account.findUniqueOrThrow({ where: { userId: user.id } });
    expect(account.stripeCustomerId).toBe(ids[0]);
  });

  // Stripe's idempotency replay would hide extra creates: only the shared creation keeps them from being sent.
  it("sends one customer creation to Stripe under 20 concurrent calls: the others wait and reuse it", async () => {
    const user = await createUser(h.db);
    let ids: string[] = [];
    const creates = await customerCreatesDuring(async () => {
      ids = await Promise.all(Array.from({ length: 20 }, () => ensureCustomer(h, user.id)));
    });
    expect(creates).toBe(1);
    expect(new Set(ids)).toEqual(new Set([(await customersByEmail(user.email))[0]?.id]));
  });

  it("reuses the customer Stripe made for an attempt that crashed before storing it", async () => {
    const user = await createUser(h.db);
    // The attempt reaches Stripe, then dies before the mapping is stored (as a crash would).
    await h.db.$executeRawUnsafe(`
      CREATE OR REPLACE FUNCTION fail_customer_mapping() RETURNS trigger AS $$
      BEGIN RAISE EXCEPTION 'crashed before storing the customer'; END $$ LANGUAGE plpgsql`);
    await h.db.$executeRawUnsafe(
      "CREATE TRIGGER fail_mapping BEFORE UPDATE OF stripe_customer_id ON accounts " +
        "FOR EACH ROW EXECUTE FUNCTION fail_customer_mapping()",
    );
    try {
      await expect(ensureCustomer(h, user.id)).rejects.toThrow(/crashed before storing the customer/);
    } finally {
      await h.db.$executeRawUnsafe("DROP TRIGGER fail_mapping ON accounts");
    }
    const [orphan] = await customersByEmail(user.email);
    expect((await h.db.account.findUniqueOrThrow({ where: { userId: user.id } })).stripeCustomerId).toBeNull();

    const id = await ensureCustomer(h, user.id);
    expect(id).toBe(orphan?.id);
    expect(await customersByEmail(user.email)).toHaveLength(1);
    // The key Stripe recorded is the per-user one, not a random key a retry could not repeat.
    const [created] = (await h.stripe.events.list({ type: "customer.created", limit: 100 })).data.filter(
      (event) => (event.data.object as { id?: string }).id === id,
    );
    expect(created?.request?.idempotency_key).toBe(customerIdempotencyKey(user.id));
  });

  it("keeps the customer another process stored while this one waited on Stripe", async () => {
    const user = await createUser(h.db);
    const elsewhere = await h.stripe.customers.create({ email: user.email, metadata: { userId: user.id } });
    // Another process maps the user while this call's creation is on its way to Stripe.
    const racing: Pick<BillingHarness, "db" | "stripe"> = {
      db: h.db,
      stripe: {
        customers: {
          create: async (...args: Parameters<Stripe["customers"]["create"]>) => {
            await h.db.account.update({ where: { userId: user.id }, data: { stripeCustomerId: elsewhere.id } });
            return h.stripe.customers.create(...args);
          },
        },
      } as unknown as Stripe,
    };
    await expect(ensureCustomer(racing, user.id)).resolves.toBe(elsewhere.id);
    expect((await h.db.account.findUniqueOrThrow({ where: { userId: user.id } })).stripeCustomerId).toBe(elsewhere.id);
  });

  it("refuses a user with no account, before and after Stripe answers", async () => {
    await expect(ensureCustomer(h, "user_without_account")).rejects.toEqual(
      new BillingNotFound("no billing account for user user_without_account"),
    );
    const user = await createUser(h.db);
    // The account is deleted (the user with it) while the customer is being created.
    const deleting: Pick<BillingHarness, "db" | "stripe"> = {
      db: h.db,
      stripe: {
        customers: {
          create: async (...args: Parameters<Stripe["customers"]["create"]>) => {
            await h.db.account.delete({ where: { userId: user.id } });
            return h.stripe.customers.create(...args);
          },
        },
      } as unknown as Stripe,
    };
    await expect(ensureCustomer(deleting, user.id)).rejects.toEqual(
      new BillingNotFound(`no billing account for user ${user.id}`),
    );
  });

  it("keeps no transaction open while Stripe answers", async () => {
    const user = await createUser(h.db);
    await h.control.addFault({ path: "/v1/customers", method: "POST", count: 1, mode: "hang", match: user.id });
    const creation = ensureCustomer(h, user.id);
    await vi.waitFor(async () => expect(await h.control.faults()).toEqual([]));
    expect(await idleInTransaction(h.db)).toBe(0);
    // The retry, after the hanging attempt times out, creates the customer.
    expect(await creation).toMatch(/^cus_/);
  });

  it("returns the stored customer without calling Stripe again", async () => {
    const user = await createUser(h.db);
    const first = await ensureCustomer(h, user.id);
    await h.control.addFault({ path: "/v1/customers*", count: 5 });
    await expect(ensureCustomer(h, user.id)).resolves.toBe(first);
  });

  it("stores nothing and throws StripeUnavailable when Stripe fails, then works on the next try", async () => {
    const user = await createUser(h.db);
    await h.control.addFault({ path: "/v1/customers", method: "POST", count: USER_FACING_ATTEMPTS, mode: "error" });
    await expect(ensureCustomer(h, user.id)).rejects.toBeInstanceOf(StripeUnavailable);
    expect((await h.db.account.findUniqueOrThrow({ where: { userId: user.id } })).stripeCustomerId).toBeNull();
    expect(await customersByEmail(user.email)).toHaveLength(0);

    const id = await ensureCustomer(h, user.id);
    expect((await h.db.account.findUniqueOrThrow({ where: { userId: user.id } })).stripeCustomerId).toBe(id);
    expect(await customersByEmail(user.email)).toHaveLength(1);
  });

  it("gives up on a hanging Stripe within the user-facing budget, storing nothing", async () => {
    const user = await createUser(h.db);
    await h.control.addFault({ path: "/v1/customers", method: "POST", count: USER_FACING_ATTEMPTS, mode: "hang" });
    const started = Date.now();
    await expect(ensureCustomer(h, user.id)).rejects.toBeInstanceOf(StripeUnavailable);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await h.db.account.findUniqueOrThrow({ where: { userId: user.id } })).stripeCustomerId).toBeNull();
  });
});

describe("updateUserEmail", () => {
  it("moves the Stripe customer's email along with the user's", async () => {
    const user = await createUser(h.db);
    const customerId = await ensureCustomer(h, user.id);
    const email = `renamed-${Date.now()}@example.com`;
    await updateUserEmail(h, user.id, email);
    expect((await h.stripe.customers.retrieve(customerId)) as { email: string }).toMatchObject({ email });
    expect((await h.db.user.findUniqueOrThrow({ where: { id: user.id } })).email).toBe(email);
  });

  it("keeps no transaction open while Stripe answers", async () => {
    const user = await createUser(h.db);
    const customerId = await ensureCustomer(h, user.id);
    const email = `patient-${Date.now()}@example.com`;
    await h.control.addFault({ path: `/v1/customers/${customerId}`, method: "POST", count: 1, mode: "hang" });
    const change = updateUserEmail(h, user.id, email);
    await vi.waitFor(async () => expect(await h.control.faults()).toEqual([]));
    expect(await idleInTransaction(h.db)).toBe(0);
    await change;
    expect((await h.stripe.customers.retrieve(customerId)) as { email: string }).toMatchObject({ email });
  });

  it("keeps the old email everywhere when Stripe is down", async () => {
    const user = await createUser(h.db);
    const customerId = await ensureCustomer(h, user.id);
    await h.control.addFault({ path: `/v1/customers/${customerId}`, method: "POST", count: USER_FACING_ATTEMPTS });
    await expect(updateUserEmail(h, user.id, "new@example.com")).rejects.toBeInstanceOf(StripeUnavailable);
    expect((await h.db.user.findUniqueOrThrow({ where: { id: user.id } })).email).toBe(user.email);
    expect(((await h.stripe.customers.retrieve(customerId)) as { email: string }).email).toBe(user.email);
  });
});

describe("backfillCustomers", () => {
  it("links an existing customer, creates a missing one, and changes nothing the second time", async () => {
    // Leave only this test's accounts unmapped.
    const stale = await h.db.account.findMany({ where: { stripeCustomerId: null } });
    for (const account of stale)
      await h.db.account.update({ where: { id: account.id }, data: { stripeCustomerId: `cus_other_${account.id}` } });

    const withCustomer = await createUser(h.db);
    const existing = await h.stripe.customers.create({
      email: withCustomer.email,
      metadata: { userId: withCustomer.id },
    });
    // Same email, another user's customer: must not be linked.
    await h.stripe.customers.create({ email: withCustomer.email, metadata: { userId: "someone-else" } });
    const without = await createUser(h.db);

    const dry = await backfillCustomers(h, { dryRun: true });
    expect(dry).toEqual({ examined: 2, linked: 0, created: 0, failed: 0 });
    expect(await h.db.account.count({ where: { stripeCustomerId: null } })).toBe(2);

    const first = await backfillCustomers(h);
    expect(first).toEqual({ examined: 2, linked: 1, created: 1, failed: 0 });
    expect((await h.db.account.findUniqueOrThrow({ where: { userId: withCustomer.id } })).stripeCustomerId).toBe(
      existing.id,
    );
    const created = (await h.db.account.findUniqueOrThrow({ where: { userId: without.id } })).stripeCustomerId;
    expect(created).toMatch(/^cus_/);
    expect((await customersByEmail(without.email)).map((c) => c.id)).toEqual([created]);

    const customersBefore = (await h.stripe.customers.list({ limit: 100 })).data.length;
    expect(await backfillCustomers(h)).toEqual({ examined: 0, linked: 0, created: 0, failed: 0 });
    expect((await h.stripe.customers.list({ limit: 100 })).data.length).toBe(customersBefore);
  });
});

describe("updateUserEmail with a taken email", () => {
  it("fails before touching Stripe", async () => {
    const owner = await createUser(h.db);
    const user = await createUser(h.db);
    const customerId = await ensureCustomer(h, user.id);
    await expect(updateUserEmail(h, user.id, owner.email)).rejects.toThrow();
    expect(((await h.stripe.customers.retrieve(customerId)) as { email: string }).email).toBe(user.email);
    expect((await h.db.user.findUniqueOrThrow({ where: { id: user.id } })).email).toBe(user.email);
  });
});
