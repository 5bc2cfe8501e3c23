import { addMember, createOrganization, createUser } from "@saas/db/factories";
import type Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { BillingNotFound, StripeUnavailable } from "../errors.ts";
import {
  drainQueue,
  idleInTransaction,
  startBillingHarness,
  USER_FACING_ATTEMPTS,
  type BillingHarness,
} from "../testing.ts";
import { reconcile } from "../sync/reconcile.ts";
import { backfillCustomers } from "./backfill-customers.ts";
import { customerIdempotencyKey, ensureCustomer } from "./ensure-customer.ts";
import { updateBillingEmail, updateUserEmail } from "./update-customer-email.ts";

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
    const ids = await Promise.all(Array.from({ length: 20 }, () => ensureCustomer(h, user.organization.id)));

    expect(new Set(ids).size).toBe(1);
    const customers = await customersByEmail(user.email);
    expect(customers).toHaveLength(1);
    expect(customers[0]).toMatchObject({
      id: ids[0],
      email: user.email,
      name: "Concurrent Ada",
      metadata: { organizationId: user.organization.id },
    });
    const account = await h.db.account.findUniqueOrThrow({ where: { organizationId: user.organization.id } });
    expect(account.stripeCustomerId).toBe(ids[0]);
  });

  // Stripe's idempotency replay would hide extra creates: only the shared creation keeps them from being sent.
  it("sends one customer creation to Stripe under 20 concurrent calls: the others wait and reuse it", async () => {
    const user = await createUser(h.db);
    let ids: string[] = [];
    const creates = await customerCreatesDuring(async () => {
      ids = await Promise.all(Array.from({ length: 20 }, () => ensureCustomer(h, user.organization.id)));
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
      await expect(ensureCustomer(h, user.organization.id)).rejects.toThrow(/crashed before storing the customer/);
    } finally {
      await h.db.$executeRawUnsafe("DROP TRIGGER fail_mapping ON accounts");
    }
    const [orphan] = await customersByEmail(user.email);
    expect(
      (await h.db.account.findUniqueOrThrow({ where: { organizationId: user.organization.id } })).stripeCustomerId,
    ).toBeNull();

    const id = await ensureCustomer(h, user.organization.id);
    expect(id).toBe(orphan?.id);
    expect(await customersByEmail(user.email)).toHaveLength(1);
    // The key Stripe recorded is the per-organization one, not a random key a retry could not repeat.
    const [created] = (await h.stripe.events.list({ type: "customer.created", limit: 100 })).data.filter(
      (event) => (event.data.object as { id?: string }).id === id,
    );
    expect(created?.request?.idempotency_key).toBe(customerIdempotencyKey(user.organization.id));
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
            await h.db.account.update({
              where: { organizationId: user.organization.id },
              data: { stripeCustomerId: elsewhere.id },
            });
            return h.stripe.customers.create(...args);
          },
        },
      } as unknown as Stripe,
    };
    await expect(ensureCustomer(racing, user.organization.id)).resolves.toBe(elsewhere.id);
    expect(
      (await h.db.account.findUniqueOrThrow({ where: { organizationId: user.organization.id } })).stripeCustomerId,
    ).toBe(elsewhere.id);
  });

  it("refuses an organization with no account, before and after Stripe answers", async () => {
    await expect(ensureCustomer(h, "organization_without_account")).rejects.toEqual(
      new BillingNotFound("no billing account for organization organization_without_account"),
    );
    const user = await createUser(h.db);
    // The account is deleted while the customer is being created.
    const deleting: Pick<BillingHarness, "db" | "stripe"> = {
      db: h.db,
      stripe: {
        customers: {
          create: async (...args: Parameters<Stripe["customers"]["create"]>) => {
            await h.db.account.delete({ where: { organizationId: user.organization.id } });
            return h.stripe.customers.create(...args);
          },
        },
      } as unknown as Stripe,
    };
    await expect(ensureCustomer(deleting, user.organization.id)).rejects.toEqual(
      new BillingNotFound(`no billing account for organization ${user.organization.id}`),
    );
  });

  it("keeps no transaction open while Stripe answers", async () => {
    const user = await createUser(h.db);
    await h.control.addFault({
      path: "/v1/customers",
      method: "POST",
      count: 1,
      mode: "hang",
      match: user.organization.id,
    });
    const creation = ensureCustomer(h, user.organization.id);
    await vi.waitFor(async () => expect(await h.control.faults()).toEqual([]));
    expect(await idleInTransaction(h.db)).toBe(0);
    // The retry, after the hanging attempt times out, creates the customer.
    expect(await creation).toMatch(/^cus_/);
  });

  it("returns the stored customer without calling Stripe again", async () => {
    const user = await createUser(h.db);
    const first = await ensureCustomer(h, user.organization.id);
    await h.control.addFault({ path: "/v1/customers*", count: 5 });
    await expect(ensureCustomer(h, user.organization.id)).resolves.toBe(first);
  });

  it("stores nothing and throws StripeUnavailable when Stripe fails, then works on the next try", async () => {
    const user = await createUser(h.db);
    await h.control.addFault({ path: "/v1/customers", method: "POST", count: USER_FACING_ATTEMPTS, mode: "error" });
    await expect(ensureCustomer(h, user.organization.id)).rejects.toBeInstanceOf(StripeUnavailable);
    expect(
      (await h.db.account.findUniqueOrThrow({ where: { organizationId: user.organization.id } })).stripeCustomerId,
    ).toBeNull();
    expect(await customersByEmail(user.email)).toHaveLength(0);

    const id = await ensureCustomer(h, user.organization.id);
    expect(
      (await h.db.account.findUniqueOrThrow({ where: { organizationId: user.organization.id } })).stripeCustomerId,
    ).toBe(id);
    expect(await customersByEmail(user.email)).toHaveLength(1);
  });

  it("gives up on a hanging Stripe within the user-facing budget, storing nothing", async () => {
    const user = await createUser(h.db);
    await h.control.addFault({ path: "/v1/customers", method: "POST", count: USER_FACING_ATTEMPTS, mode: "hang" });
    const started = Date.now();
    await expect(ensureCustomer(h, user.organization.id)).rejects.toBeInstanceOf(StripeUnavailable);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(
      (await h.db.account.findUniqueOrThrow({ where: { organizationId: user.organization.id } })).stripeCustomerId,
    ).toBeNull();
  });
});

describe("ensureCustomer for an organization", () => {
  it("bills the organization's own billing email when it has one, else its first owner's, named after it", async () => {
    const owner = await createUser(h.db);
    const admin = await createUser(h.db);
    const { organization: team } = await createOrganization(h.db, { name: "Team Billing", owner: owner.id });
    await addMember(h.db, team.id, admin.id, "owner");
    const billed = await createOrganization(h.db, { name: "Accounts Dept", billingEmail: "billing@example.net" });
    await addMember(h.db, billed.organization.id, owner.id, "owner");

    const teamCustomer = await h.stripe.customers.retrieve(await ensureCustomer(h, team.id));
    expect(teamCustomer).toMatchObject({
      email: owner.email,
      name: "Team Billing",
      metadata: { organizationId: team.id },
    });
    const billedCustomer = await h.stripe.customers.retrieve(await ensureCustomer(h, billed.organization.id));
    expect(billedCustomer).toMatchObject({ email: "billing@example.net", name: "Accounts Dept" });
    // Each organization has a customer of its own, however many organizations a user owns.
    expect(teamCustomer.id).not.toBe(billedCustomer.id);
    expect(await ensureCustomer(h, owner.organization.id)).not.toBe(teamCustomer.id);
  });
});

describe("updateUserEmail", () => {
  it("moves only the customers billed to the user: not those with a billing email or an earlier owner", async () => {
    const user = await createUser(h.db);
    const other = await createUser(h.db);
    const personal = await ensureCustomer(h, user.organization.id);
    const { organization: billed } = await createOrganization(h.db, { owner: user.id, billingEmail: "ap@example.net" });
    const billedCustomer = await ensureCustomer(h, billed.id);
    // The user is an owner here, but not the first: the customer's email is the other owner's.
    await addMember(h.db, other.organization.id, user.id, "owner");
    const othersCustomer = await ensureCustomer(h, other.organization.id);

    const email = `moved-${Date.now()}@example.com`;
    await updateUserEmail(h, user.id, email);
    const emailOf = async (id: string) => ((await h.stripe.customers.retrieve(id)) as { email: string }).email;
    expect(await emailOf(personal)).toBe(email);
    expect(await emailOf(billedCustomer)).toBe("ap@example.net");
    expect(await emailOf(othersCustomer)).toBe(other.email);
  });

  it("moves the Stripe customer's email along with the user's", async () => {
    const user = await createUser(h.db);
    const customerId = await ensureCustomer(h, user.organization.id);
    const email = `renamed-${Date.now()}@example.com`;
    await updateUserEmail(h, user.id, email);
    expect((await h.stripe.customers.retrieve(customerId)) as { email: string }).toMatchObject({ email });
    expect((await h.db.user.findUniqueOrThrow({ where: { id: user.id } })).email).toBe(email);
  });

  it("keeps no transaction open while Stripe answers", async () => {
    const user = await createUser(h.db);
    const customerId = await ensureCustomer(h, user.organization.id);
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
    const bystander = await createUser(h.db);
    const customerId = await ensureCustomer(h, user.organization.id);
    await h.control.addFault({ path: `/v1/customers/${customerId}`, method: "POST", count: USER_FACING_ATTEMPTS });
    await expect(updateUserEmail(h, user.id, "new@example.com")).rejects.toBeInstanceOf(StripeUnavailable);
    expect((await h.db.user.findUniqueOrThrow({ where: { id: user.id } })).email).toBe(user.email);
    expect((await h.db.user.findUniqueOrThrow({ where: { id: bystander.id } })).email).toBe(bystander.email);
    expect(((await h.stripe.customers.retrieve(customerId)) as { email: string }).email).toBe(user.email);
  });

  it("puts the old email back on the customers already changed when Stripe fails on a later one", async () => {
    const user = await createUser(h.db);
    const first = await ensureCustomer(h, user.organization.id);
    const { organization: second } = await createOrganization(h.db, { owner: user.id });
    const later = await ensureCustomer(h, second.id);
    await h.control.addFault({ path: `/v1/customers/${later}`, method: "POST", count: USER_FACING_ATTEMPTS });
    const events: RequestEvents = h.stripe;
    const paths = new Set<string>();
    const record = (request: Stripe.RequestEvent) => {
      if (request.method === "POST") paths.add(request.path);
    };
    events.on("request", record);
    try {
      await expect(updateUserEmail(h, user.id, "later@example.com")).rejects.toBeInstanceOf(StripeUnavailable);
    } finally {
      events.off("request", record);
    }
    const emailOf = async (id: string) => ((await h.stripe.customers.retrieve(id)) as { email: string }).email;
    expect((await h.db.user.findUniqueOrThrow({ where: { id: user.id } })).email).toBe(user.email);
    // The first changed, the later one failing, and no other customer touched.
    expect(paths).toEqual(new Set([`/v1/customers/${first}`, `/v1/customers/${later}`]));
    // The contact job puts the old email back on the first, and sends it to the failing one.
    await drainQueue(h);
    expect([await emailOf(first), await emailOf(later)]).toEqual([user.email, user.email]);
  });
});

describe("updateBillingEmail", () => {
  const emailOf = async (id: string) => ((await h.stripe.customers.retrieve(id)) as { email: string }).email;
  const storedBillingEmail = async (organizationId: string) =>
    (await h.db.organization.findUniqueOrThrow({ where: { id: organizationId } })).billingEmail;

  it("bills the new address in Stripe, and the first owner's again once it is cleared", async () => {
    const user = await createUser(h.db);
    const customerId = await ensureCustomer(h, user.organization.id);

    const set = await updateBillingEmail(h, user.organization.id, "accounts@example.net");
    expect(set.email).toBe("accounts@example.net");
    expect(await storedBillingEmail(user.organization.id)).toBe("accounts@example.net");
    expect(await emailOf(customerId)).toBe("accounts@example.net");

    const cleared = await updateBillingEmail(h, user.organization.id, null);
    expect(cleared.email).toBe(user.email);
    expect(await storedBillingEmail(user.organization.id)).toBeNull();
    expect(await emailOf(customerId)).toBe(user.email);
  });

  it("only stores it while the organization has no Stripe customer, which is then made with it", async () => {
    const user = await createUser(h.db);
    const creates = await customerCreatesDuring(() => updateBillingEmail(h, user.organization.id, "later@example.net"));
    expect(creates).toBe(0);
    const customerId = await ensureCustomer(h, user.organization.id);
    expect(await emailOf(customerId)).toBe("later@example.net");
  });

  it("keeps the previous address on both sides when Stripe is down", async () => {
    const user = await createUser(h.db);
    const customerId = await ensureCustomer(h, user.organization.id);
    await updateBillingEmail(h, user.organization.id, "before@example.net");
    await h.control.addFault({ path: `/v1/customers/${customerId}`, method: "POST", count: USER_FACING_ATTEMPTS });

    await expect(updateBillingEmail(h, user.organization.id, "after@example.net")).rejects.toBeInstanceOf(
      StripeUnavailable,
    );
    expect(await storedBillingEmail(user.organization.id)).toBe("before@example.net");
    expect(await emailOf(customerId)).toBe("before@example.net");
  });

  it("sends Stripe the previous address again when a failed change may have reached it", async () => {
    const user = await createUser(h.db);
    const customerId = await ensureCustomer(h, user.organization.id);
    await updateBillingEmail(h, user.organization.id, "kept@example.net");
    // Stripe took the change, then its answers were lost: as far as the app knows, it failed.
    await h.stripe.customers.update(customerId, { email: "lost@example.net" });
    await h.control.addFault({ path: `/v1/customers/${customerId}`, method: "POST", count: USER_FACING_ATTEMPTS });
    await expect(updateBillingEmail(h, user.organization.id, "lost@example.net")).rejects.toBeInstanceOf(
      StripeUnavailable,
    );
    expect(await emailOf(customerId)).toBe("lost@example.net");

    await drainQueue(h);
    expect(await storedBillingEmail(user.organization.id)).toBe("kept@example.net");
    expect(await emailOf(customerId)).toBe("kept@example.net");
  });

  it("keeps no transaction open while Stripe answers", async () => {
    const user = await createUser(h.db);
    const customerId = await ensureCustomer(h, user.organization.id);
    await h.control.addFault({ path: `/v1/customers/${customerId}`, method: "POST", count: 1, mode: "hang" });
    const change = updateBillingEmail(h, user.organization.id, "patient@example.net");
    await vi.waitFor(async () => expect(await h.control.faults()).toEqual([]));
    expect(await idleInTransaction(h.db)).toBe(0);
    await change;
    expect(await emailOf(customerId)).toBe("patient@example.net");
  });

  it("ends with Stripe holding the last change when two owners change it at once, answered out of order", async () => {
    const user = await createUser(h.db);
    const customerId = await ensureCustomer(h, user.organization.id);
    // The first change's call hangs and is retried after the second has been applied.
    await h.control.addFault({ path: `/v1/customers/${customerId}`, method: "POST", count: 1, mode: "hang" });
    const first = updateBillingEmail(h, user.organization.id, "first@example.net");
    await vi.waitFor(async () => expect(await h.control.faults()).toEqual([]));
    await updateBillingEmail(h, user.organization.id, "second@example.net");
    await first;

    expect(await storedBillingEmail(user.organization.id)).toBe("second@example.net");
    expect(await emailOf(customerId)).toBe("second@example.net");
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
    // A customer made since organizations: its metadata names the organization.
    const { organization: team } = await createOrganization(h.db, {
      owner: without.id,
      billingEmail: "team@example.net",
    });
    const teamCustomer = await h.stripe.customers.create({
      email: "team@example.net",
      metadata: { organizationId: team.id },
    });
    // The old per-user metadata of the team's owner must not link the team: it was their personal customer.
    await h.stripe.customers.create({ email: "team@example.net", metadata: { userId: without.id } });

    const dry = await backfillCustomers(h, { dryRun: true });
    expect(dry).toEqual({ examined: 3, linked: 0, created: 0, failed: 0 });
    expect(await h.db.account.count({ where: { stripeCustomerId: null } })).toBe(3);

    const first = await backfillCustomers(h);
    expect(first).toEqual({ examined: 3, linked: 2, created: 1, failed: 0 });
    const customerOf = async (organizationId: string) =>
      (await h.db.account.findUniqueOrThrow({ where: { organizationId } })).stripeCustomerId;
    expect(await customerOf(withCustomer.organization.id)).toBe(existing.id);
    expect(await customerOf(team.id)).toBe(teamCustomer.id);
    const created = (await h.db.account.findUniqueOrThrow({ where: { organizationId: without.organization.id } }))
      .stripeCustomerId;
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
    const customerId = await ensureCustomer(h, user.organization.id);
    await expect(updateUserEmail(h, user.id, owner.email)).rejects.toThrow();
    expect(((await h.stripe.customers.retrieve(customerId)) as { email: string }).email).toBe(user.email);
    expect((await h.db.user.findUniqueOrThrow({ where: { id: user.id } })).email).toBe(user.email);
  });
});

describe("reconcile of one unmapped customer", () => {
  it("links it to the organization its metadata names, old per-user metadata or new", async () => {
    const old = await createUser(h.db);
    const oldCustomer = await h.stripe.customers.create({ email: old.email, metadata: { userId: old.id } });
    const owner = await createUser(h.db);
    const { organization: team } = await createOrganization(h.db, { owner: owner.id });
    const teamCustomer = await h.stripe.customers.create({ email: owner.email, metadata: { organizationId: team.id } });
    const stray = await h.stripe.customers.create({ email: owner.email, metadata: { organizationId: "no-such-org" } });

    expect(await reconcile(h, { customerId: oldCustomer.id })).toMatchObject({ linked: 1, examined: 1, failed: 0 });
    expect(await reconcile(h, { customerId: teamCustomer.id })).toMatchObject({ linked: 1, examined: 1 });
    expect(await reconcile(h, { customerId: stray.id })).toMatchObject({ linked: 0, examined: 0 });
    const customerOf = async (organizationId: string) =>
      (await h.db.account.findUniqueOrThrow({ where: { organizationId } })).stripeCustomerId;
    expect(await customerOf(old.organization.id)).toBe(oldCustomer.id);
    expect(await customerOf(team.id)).toBe(teamCustomer.id);
    expect(await customerOf(owner.organization.id)).toBeNull();

    // An account that has a customer keeps it: another customer naming it is not linked.
    const second = await h.stripe.customers.create({ email: owner.email, metadata: { organizationId: team.id } });
    expect(await reconcile(h, { customerId: second.id })).toMatchObject({ linked: 0 });
    expect(await customerOf(team.id)).toBe(teamCustomer.id);
  });
});
