// backfillCustomers account by account: the order it goes in, what it reports for each, a link
// another process made first, and an account Stripe fails for.
import { createOrganization, createUser } from "@saas/db/factories";
import type Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startBillingHarness, type BillingHarness } from "../testing.ts";
import { backfillCustomers, type BackfillProgress } from "./backfill-customers.ts";

let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness();
});
afterAll(() => h.close());
beforeEach(async () => {
  await h.control.clearFaults();
  // Leave only the test's own accounts unmapped.
  const stale = await h.db.account.findMany({ where: { stripeCustomerId: null } });
  for (const account of stale)
    await h.db.account.update({ where: { id: account.id }, data: { stripeCustomerId: `cus_other_${account.id}` } });
});

type Progress = Parameters<BackfillProgress>[0];

async function run(deps: Pick<BillingHarness, "db" | "stripe">, options: { dryRun?: boolean } = {}) {
  const progress: Progress[] = [];
  const summary = await backfillCustomers(deps, { ...options, onProgress: (p) => progress.push(p) });
  return { summary, progress };
}

describe("backfillCustomers", () => {
  it("goes through the accounts oldest first and reports what it would do, then what it did", async () => {
    const second = await createUser(h.db);
    const first = await createUser(h.db);
    const existing = await h.stripe.customers.create({
      email: second.email,
      metadata: { organizationId: second.organization.id },
    });
    // Stored after the other one, but the older account.
    const { createdAt } = await h.db.account.findUniqueOrThrow({ where: { organizationId: second.organization.id } });
    await h.db.account.update({
      where: { organizationId: first.organization.id },
      data: { createdAt: new Date(createdAt.getTime() - 60_000) },
    });

    const dry = await run(h, { dryRun: true });
    expect(dry.progress).toEqual([
      { organizationId: first.organization.id, email: first.email, outcome: "would-create" },
      { organizationId: second.organization.id, email: second.email, outcome: "would-link", customerId: existing.id },
    ]);

    const done = await run(h);
    const created = (await h.db.account.findUniqueOrThrow({ where: { organizationId: first.organization.id } }))
      .stripeCustomerId;
    expect(done.progress).toEqual([
      { organizationId: first.organization.id, email: first.email, outcome: "created", customerId: created },
      { organizationId: second.organization.id, email: second.email, outcome: "linked", customerId: existing.id },
    ]);
    expect(done.summary).toEqual({ examined: 2, linked: 1, created: 1, failed: 0 });
  });

  it("looks customers up by the organization's email: one with its id under another email is not linked", async () => {
    const user = await createUser(h.db);
    const stray = await h.stripe.customers.create({
      email: `old-${user.email}`,
      metadata: { organizationId: user.organization.id },
    });
    const { summary } = await run(h);
    expect(summary).toEqual({ examined: 1, linked: 0, created: 1, failed: 0 });
    const mapped = (await h.db.account.findUniqueOrThrow({ where: { organizationId: user.organization.id } }))
      .stripeCustomerId;
    expect(mapped).not.toBe(stray.id);
    expect(((await h.stripe.customers.retrieve(mapped ?? "")) as Stripe.Customer).email).toBe(user.email);
  });

  it("counts no link when another process mapped the account first, and keeps that mapping", async () => {
    const user = await createUser(h.db);
    await h.stripe.customers.create({ email: user.email, metadata: { organizationId: user.organization.id } });
    const elsewhere = await h.stripe.customers.create({ email: `elsewhere-${user.email}` });
    // While this run lists the customers, another one stores a customer for the account.
    const racing = {
      db: h.db,
      stripe: {
        customers: {
          async *list(params: Stripe.CustomerListParams) {
            await h.db.account.update({
              where: { organizationId: user.organization.id },
              data: { stripeCustomerId: elsewhere.id },
            });
            yield* h.stripe.customers.list(params);
          },
        },
      } as unknown as Stripe,
    };
    const { summary, progress } = await run(racing);
    expect(summary).toEqual({ examined: 1, linked: 0, created: 0, failed: 0 });
    expect(progress).toEqual([]);
    expect(
      (await h.db.account.findUniqueOrThrow({ where: { organizationId: user.organization.id } })).stripeCustomerId,
    ).toBe(elsewhere.id);
  });

  it("reports an organization with no one to bill as failed, with no email", async () => {
    const { organization } = await createOrganization(h.db, { name: "Ownerless" });
    const { summary, progress } = await run(h);
    expect(summary).toEqual({ examined: 1, linked: 0, created: 0, failed: 1 });
    expect(progress).toEqual([
      {
        organizationId: organization.id,
        email: "",
        outcome: "failed",
        error: `no billing contact for organization ${organization.id}`,
      },
    ]);
  });

  it("counts and reports an account Stripe fails for, and goes on with the next", async () => {
    const failing = await createUser(h.db);
    const next = await createUser(h.db);
    await h.control.addFault({ path: "/v1/customers", method: "GET", count: 1 });
    const { summary, progress } = await run(h);
    expect(summary).toEqual({ examined: 2, linked: 0, created: 1, failed: 1 });
    expect(progress[0]).toEqual({
      organizationId: failing.organization.id,
      email: failing.email,
      outcome: "failed",
      error: expect.stringMatching(/\S/) as string,
    });
    expect(progress[1]).toMatchObject({ organizationId: next.organization.id, outcome: "created" });
    expect(
      (await h.db.account.findUniqueOrThrow({ where: { organizationId: failing.organization.id } })).stripeCustomerId,
    ).toBeNull();
  });
});
