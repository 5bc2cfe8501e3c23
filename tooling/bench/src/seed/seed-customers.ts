// ~500 real customers: each a Stripe customer in the emulator (card pm_card_visa, one
// subscription) and, in the app's database, a user owning a personal organization whose
// account points at it. Then a
// history of plan changes, renewals-as-invoices and cancellations, so the events the
// webhook replays are Stripe's own and each one makes the sync do real work.
import { randomUUID } from "node:crypto";
import { LOOKUP_KEYS } from "@saas/billing";
import type pg from "pg";
import type Stripe from "stripe";
import { runPool } from "../load/run-pool.ts";

export type SeededCustomer = {
  index: number;
  customerId: string;
  userId: string;
  organizationId: string;
  accountId: string;
  subscriptionId: string;
  canceled: boolean;
};

/** Handled events each action makes the emulator record (see the emulator's event log). */
const EVENTS_PER = { create: 4, swap: 3, update: 1, cancel: 1 };

async function monthlyPrices(stripe: Stripe): Promise<string[]> {
  const prices = await stripe.prices.list({ lookup_keys: LOOKUP_KEYS, active: true, limit: 100 });
  const monthly = prices.data.filter((price) => price.recurring?.interval === "month").map((price) => price.id);
  if (monthly.length < 2) throw new Error("the catalog is not in the emulator: the app syncs it at start");
  return monthly;
}

export async function seedCustomers(stripe: Stripe, db: pg.Pool, count: number): Promise<SeededCustomer[]> {
  const prices = await monthlyPrices(stripe);
  const indexes = Array.from({ length: count }, (_, index) => index);
  const { results } = await runPool(indexes, 8, async (index) => {
    const customer = await stripe.customers.create({
      email: `bench-${index}@example.com`,
      payment_method: "pm_card_visa",
      invoice_settings: { default_payment_method: "pm_card_visa" },
      metadata: { bench: "1" },
    });
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[index % prices.length] }],
      // One in ten on a trial, so statuses differ.
      ...(index % 10 === 3 ? { trial_period_days: 14 } : {}),
    });
    return {
      index,
      customerId: customer.id,
      userId: randomUUID(),
      organizationId: randomUUID(),
      accountId: randomUUID(),
      subscriptionId: subscription.id,
      canceled: false,
    };
  });
  await db.query(
    `INSERT INTO users (id, email, password_hash, updated_at)
     SELECT u, 'bench-' || i || '@example.com', 'x', now() FROM unnest($1::text[], $2::int[]) AS t(u, i)`,
    [results.map((c) => c.userId), results.map((c) => c.index)],
  );
  // As sign-up does: the user's personal organization, their owner membership, its account.
  await db.query(
    `INSERT INTO organizations (id, name, slug, updated_at)
     SELECT o, 'Bench ' || i, 'bench-' || i || '-' || o, now() FROM unnest($1::text[], $2::int[]) AS t(o, i)`,
    [results.map((c) => c.organizationId), results.map((c) => c.index)],
  );
  await db.query(
    `INSERT INTO memberships (id, user_id, organization_id, role)
     SELECT gen_random_uuid()::text, u, o, 'owner'::membership_role FROM unnest($1::text[], $2::text[]) AS t(u, o)`,
    [results.map((c) => c.userId), results.map((c) => c.organizationId)],
  );
  await db.query(
    `INSERT INTO accounts (id, organization_id, stripe_customer_id, updated_at)
     SELECT a, o, c, now() FROM unnest($1::text[], $2::text[], $3::text[]) AS t(a, o, c)`,
    [results.map((c) => c.accountId), results.map((c) => c.organizationId), results.map((c) => c.customerId)],
  );
  return results;
}

/**
 * Rounds of changes over every customer until about `handledEvents` handled events exist:
 * a plan change billed at once, an immediate cancellation for a tenth, cancel at period
 * end for a quarter, metadata edits. Bounded: at most 12 rounds.
 */
export async function makeHistory(stripe: Stripe, customers: SeededCustomer[], handledEvents: number): Promise<number> {
  const prices = await monthlyPrices(stripe);
  let expected = customers.length * EVENTS_PER.create;
  for (let round = 0; round < 12 && expected < handledEvents * 1.1; round++) {
    const { results } = await runPool(customers, 8, async (customer) => {
      if (customer.canceled) return 0;
      const id = customer.subscriptionId;
      if (round === 0 || round === 3) {
        const subscription = await stripe.subscriptions.retrieve(id);
        const item = subscription.items.data[0];
        if (!item) return 0;
        const price = prices[(customer.index + round + 1) % prices.length] as string;
        await stripe.subscriptions.update(id, {
          items: [{ id: item.id, price }],
          proration_behavior: "always_invoice",
        });
        return EVENTS_PER.swap;
      }
      if (round === 1 && customer.index % 10 === 1) {
        await stripe.subscriptions.cancel(id);
        customer.canceled = true;
        return EVENTS_PER.cancel;
      }
      if (round === 2 && customer.index % 4 === 0) {
        await stripe.subscriptions.update(id, { cancel_at_period_end: true });
        return EVENTS_PER.update;
      }
      await stripe.subscriptions.update(id, { metadata: { bench_round: String(round) } });
      return EVENTS_PER.update;
    });
    expected += results.reduce((sum, n) => sum + n, 0);
  }
  return expected;
}
