// Customers whose time the bench moves: each on a Stripe test clock, with a user owning a
// personal organization and its account row in the app's database, so the app's sync does for them what it does for any
// customer. Subscribed straight through the API, or through a completed Checkout session.
import { randomUUID } from "node:crypto";
import { LOOKUP_KEYS } from "@saas/billing";
import { EmulatorControlClient } from "@saas/stripe-emulator";
import type pg from "pg";
import type Stripe from "stripe";
import { runPool } from "../load/run-pool.ts";

type ClockCustomer = { customerId: string; subscriptionId: string | null };
export type ClockGroup = { clockId: string; frozenTime: number; customers: ClockCustomer[] };

export async function monthlyPrices(stripe: Stripe): Promise<string[]> {
  const prices = await stripe.prices.list({ lookup_keys: LOOKUP_KEYS, active: true, limit: 100 });
  const monthly = prices.data.filter((price) => price.recurring?.interval === "month").map((price) => price.id);
  if (monthly.length < 2) throw new Error("the catalog is not in the emulator: the app syncs it at start");
  return monthly;
}

/** `count` customers on one new clock (its time now), mapped to accounts in the app's database. */
export async function createClockCustomers(
  stripe: Stripe,
  db: pg.Pool,
  options: { count: number; label: string; subscribe: "api" | "none" },
): Promise<ClockGroup> {
  const prices = await monthlyPrices(stripe);
  const frozenTime = Math.floor(Date.now() / 1000);
  const clock = await stripe.testHelpers.testClocks.create({ frozen_time: frozenTime, name: options.label });
  const indexes = Array.from({ length: options.count }, (_, index) => index);
  const { results } = await runPool(indexes, 8, async (index) => {
    const customer = await stripe.customers.create({
      email: `bench-${options.label}-${index}@example.com`,
      test_clock: clock.id,
      payment_method: "pm_card_visa",
      invoice_settings: { default_payment_method: "pm_card_visa" },
    });
    if (options.subscribe === "none") return { customerId: customer.id, subscriptionId: null };
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[index % prices.length] }],
    });
    return { customerId: customer.id, subscriptionId: subscription.id };
  });
  const users = results.map(() => randomUUID());
  await db.query(
    `INSERT INTO users (id, email, password_hash, updated_at)
     SELECT u, 'bench-' || $3::text || '-' || i || '@example.com', 'x', now()
     FROM unnest($1::text[], $2::int[]) AS t(u, i)`,
    [users, indexes, options.label],
  );
  // As sign-up does: the user's personal organization, their owner membership, its account.
  const organizations = results.map(() => randomUUID());
  await db.query(
    `INSERT INTO organizations (id, name, slug, updated_at)
     SELECT o, 'Bench ' || $2::text || ' ' || i, 'bench-' || $2::text || '-' || i || '-' || o, now()
     FROM unnest($1::text[], $3::int[]) AS t(o, i)`,
    [organizations, options.label, indexes],
  );
  await db.query(
    `INSERT INTO memberships (id, user_id, organization_id, role)
     SELECT gen_random_uuid()::text, u, o, 'owner'::membership_role FROM unnest($1::text[], $2::text[]) AS t(u, o)`,
    [users, organizations],
  );
  await db.query(
    `INSERT INTO accounts (id, organization_id, stripe_customer_id, updated_at)
     SELECT gen_random_uuid()::text, o, c, now() FROM unnest($1::text[], $2::text[]) AS t(o, c)`,
    [organizations, results.map((c) => c.customerId)],
  );
  return { clockId: clock.id, frozenTime, customers: results };
}

/** Each customer subscribes through a Checkout session completed with the test card, as a user would. */
export async function subscribeThroughCheckout(stripe: Stripe, emulatorUrl: string, group: ClockGroup): Promise<void> {
  const prices = await monthlyPrices(stripe);
  const control = new EmulatorControlClient(emulatorUrl);
  await runPool(group.customers, 8, async (customer, index) => {
    const session = await stripe.checkout.sessions.create({
      mode: "subscription",
      customer: customer.customerId,
      line_items: [{ price: prices[index % prices.length], quantity: 1 }],
      success_url: "http://127.0.0.1/settings/billing?session_id={CHECKOUT_SESSION_ID}",
      cancel_url: "http://127.0.0.1/settings/billing",
    });
    const completed = await control.completeCheckout(session.id);
    const subscription = completed.session.subscription;
    customer.subscriptionId = typeof subscription === "string" ? subscription : (subscription?.id ?? null);
  });
}

/** Moves the clock on by `days` (renewals, invoices) and waits until Stripe has run it. */
export async function advanceClock(stripe: Stripe, group: ClockGroup, days: number): Promise<void> {
  group.frozenTime += days * 86_400;
  await stripe.testHelpers.testClocks.advance(group.clockId, { frozen_time: group.frozenTime });
  for (const started = Date.now(); Date.now() - started < 120_000;) {
    const clock = await stripe.testHelpers.testClocks.retrieve(group.clockId);
    if (clock.status === "ready") return;
    if (clock.status === "internal_failure") throw new Error(`test clock ${group.clockId} failed to advance`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`test clock ${group.clockId} still advancing after 120 s`);
}
