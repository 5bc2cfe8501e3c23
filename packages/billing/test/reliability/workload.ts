// Real Stripe activity for the reliability runs: sign-ups mapped to customers on test clocks
// of their own and subscribed with pm_card_visa, then scenarios (plan swaps, cancellations,
// renewals failing on pm_card_chargeCustomerFail, invoices paid again) until Stripe has
// emitted enough events.
import type { PrismaClient } from "@saas/db";
import { createUser } from "@saas/db/factories";
import Stripe from "stripe";
import { customerIdempotencyKey } from "../../src/customers/ensure-customer.ts";

import { seededRandom, type Rng } from "../../src/seeded-random.ts";

export type Customer = {
  organizationId: string;
  customerId: string;
  clockId: string;
  /** The clock's frozen time, in Stripe's seconds. */
  now: number;
  cardFails: boolean;
  /** Wall-clock ms before which the customer sits still, so the app sees the failure while it lasts. */
  restUntil: number;
  rng: Rng;
};
type Scenario =
  "swapPlan" | "cancelAtPeriodEndOnOff" | "failedRenewal" | "payAgain" | "renew" | "cancelNow" | "resubscribe";
export type ScenarioStats = Record<Scenario | "signUp" | "refusedByStripe", number>;

const DAY = 86_400;
const JAN_1_2027 = Date.UTC(2027, 0, 1) / 1000;
const LIVE = new Set(["active", "trialing", "past_due", "unpaid", "incomplete"]);
/** How often each scenario comes up relative to the others. */
const WEIGHT: Record<Scenario, number> = {
  swapPlan: 2,
  cancelAtPeriodEndOnOff: 2,
  failedRenewal: 3,
  payAgain: 3,
  renew: 2,
  cancelNow: 1,
  resubscribe: 2,
};

/**
 * Sign-up as the app does it (user, personal organization, account), then the organization's
 * account mapped to a customer on its own clock, made as ensureCustomer makes it.
 */
export async function signUp(db: PrismaClient, stripe: Stripe, rng: Rng): Promise<Customer> {
  const user = await createUser(db);
  const clock = await stripe.testHelpers.testClocks.create({ frozen_time: JAN_1_2027 });
  const customer = await stripe.customers.create(
    {
      email: user.email,
      test_clock: clock.id,
      metadata: { organizationId: user.organization.id },
      payment_method: "pm_card_visa",
      invoice_settings: { default_payment_method: "pm_card_visa" },
    },
    { idempotencyKey: customerIdempotencyKey(user.organization.id) },
  );
  await db.account.update({ where: { organizationId: user.organization.id }, data: { stripeCustomerId: customer.id } });
  return {
    organizationId: user.organization.id,
    customerId: customer.id,
    clockId: clock.id,
    now: JAN_1_2027,
    cardFails: false,
    restUntil: 0,
    rng,
  };
}

const pick = <T>(rng: Rng, items: readonly T[]): T => {
  const item = items[Math.floor(rng() * items.length)];
  if (item === undefined) throw new Error("pick from an empty list");
  return item;
};

/**
 * The applicable scenario least used so far for its weight: even a short run covers every
 * scenario, and a long one keeps the mix. A little randomness breaks ties.
 */
function chooseScenario(customer: Customer, live: Stripe.Subscription | undefined, stats: ScenarioStats): Scenario {
  const applicable: Scenario[] = live
    ? ["swapPlan", "cancelAtPeriodEndOnOff", customer.cardFails ? "payAgain" : "failedRenewal", "renew", "cancelNow"]
    : [customer.cardFails ? "payAgain" : "resubscribe", "renew"];
  const score = (scenario: Scenario) => (stats[scenario] + customer.rng()) / WEIGHT[scenario];
  return applicable.reduce((best, scenario) => (score(scenario) < score(best) ? scenario : best));
}

async function setCard(
  stripe: Stripe,
  customer: Customer,
  card: "pm_card_visa" | "pm_card_chargeCustomerFail",
): Promise<void> {
  const method = await stripe.paymentMethods.attach(card, { customer: customer.customerId });
  await stripe.customers.update(customer.customerId, { invoice_settings: { default_payment_method: method.id } });
  customer.cardFails = card === "pm_card_chargeCustomerFail";
}

/** A good card, made the default, then every open invoice paid with it. */
async function payAgain(stripe: Stripe, customer: Customer): Promise<void> {
  await setCard(stripe, customer, "pm_card_visa");
  for (const invoice of (await stripe.invoices.list({ customer: customer.customerId, status: "open" })).data) {
    await stripe.invoices.pay(invoice.id);
  }
}

/** Moves the customer's clock a month on (renewals, dunning retries, scheduled cancellations) and waits for it. */
async function advanceClock(stripe: Stripe, customer: Customer): Promise<void> {
  customer.now += 32 * DAY;
  await stripe.testHelpers.testClocks.advance(customer.clockId, { frozen_time: customer.now });
  for (const started = Date.now(); Date.now() - started < 60_000;) {
    if ((await stripe.testHelpers.testClocks.retrieve(customer.clockId)).status === "ready") return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`test clock ${customer.clockId} did not finish advancing`);
}

async function run(
  stripe: Stripe,
  customer: Customer,
  scenario: Scenario,
  live: Stripe.Subscription | undefined,
  prices: readonly string[],
): Promise<void> {
  const item = live?.items.data[0];
  switch (scenario) {
    case "resubscribe":
      await stripe.subscriptions.create({
        customer: customer.customerId,
        items: [{ price: pick(customer.rng, prices) }],
      });
      return;
    case "swapPlan": {
      if (!live || !item) return;
      const price = pick(
        customer.rng,
        prices.filter((id) => id !== item.price.id),
      );
      const proration = pick(customer.rng, ["none", "create_prorations", "always_invoice"] as const);
      await stripe.subscriptions.update(live.id, { items: [{ id: item.id, price }], proration_behavior: proration });
      return;
    }
    case "cancelAtPeriodEndOnOff":
      if (!live) return;
      await stripe.subscriptions.update(live.id, { cancel_at_period_end: !live.cancel_at_period_end });
      // Half the time the user changes their mind; otherwise the next renewal ends it.
      if (customer.rng() < 0.5)
        await stripe.subscriptions.update(live.id, { cancel_at_period_end: live.cancel_at_period_end });
      return;
    case "failedRenewal":
      await setCard(stripe, customer, "pm_card_chargeCustomerFail");
      await advanceClock(stripe, customer);
      // Some users fix their card at once (the failure may be delivered after the payment);
      // the others take a while, or meet the dunning retries at the next renewal.
      if (customer.rng() < 0.4) await payAgain(stripe, customer);
      else customer.restUntil = Date.now() + 1_500;
      return;
    case "payAgain":
      await payAgain(stripe, customer);
      return;
    case "renew":
      await advanceClock(stripe, customer);
      return;
    case "cancelNow":
      if (live) await stripe.subscriptions.cancel(live.id);
      return;
  }
}

/**
 * One scenario for one customer, chosen from Stripe's current view of them. Card and request
 * errors are answers, not failures.
 */
export async function step(
  stripe: Stripe,
  customer: Customer,
  prices: readonly string[],
  stats: ScenarioStats,
): Promise<void> {
  const subscriptions = await stripe.subscriptions.list({ customer: customer.customerId, status: "all" });
  const live = subscriptions.data.find((sub) => LIVE.has(sub.status));
  const scenario = chooseScenario(customer, live, stats);
  stats[scenario]++;
  try {
    await run(stripe, customer, scenario, live, prices);
  } catch (error) {
    if (!(error instanceof Stripe.errors.StripeCardError || error instanceof Stripe.errors.StripeInvalidRequestError))
      throw error;
    stats.refusedByStripe++;
  }
}

export function emptyStats(): ScenarioStats {
  return {
    signUp: 0,
    swapPlan: 0,
    cancelAtPeriodEndOnOff: 0,
    failedRenewal: 0,
    payAgain: 0,
    renew: 0,
    cancelNow: 0,
    resubscribe: 0,
    refusedByStripe: 0,
  };
}

/**
 * Runs `lanes` loops side by side until every customer has signed up and Stripe has emitted
 * `events`: each turn either signs up the next customer (and subscribes them with
 * pm_card_visa) or runs a scenario for an idle one. A customer is out of the idle pool while
 * its scenario runs, so one clock never advances twice at once.
 */
export async function driveActivity(
  db: PrismaClient,
  stripe: Stripe,
  options: {
    customers: number;
    events: number;
    lanes: number;
    seed: number;
    prices: readonly string[];
    emitted: () => number;
  },
): Promise<{ customers: Customer[]; stats: ScenarioStats }> {
  const stats = emptyStats();
  const customers: Customer[] = [];
  const idle: Customer[] = [];
  const rng = seededRandom(options.seed);
  const lane = async () => {
    for (let turn = 0; stats.signUp < options.customers || options.emitted() < options.events; turn++) {
      if (turn > options.events * 50) throw new Error(`activity stalled at ${options.emitted()} events`);
      // Three turns in four sign up while some are left: new customers arrive among renewals and dunning.
      if (stats.signUp < options.customers && (idle.length === 0 || rng() < 0.75)) {
        const index = stats.signUp++;
        const customer = await signUp(db, stripe, seededRandom(options.seed + index + 1));
        customers.push(customer);
        await run(stripe, customer, "resubscribe", undefined, options.prices);
        idle.push(customer);
        continue;
      }
      const ready = idle.findIndex((c) => c.restUntil <= Date.now());
      const [customer] = ready === -1 ? [] : idle.splice(ready, 1);
      if (!customer) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        continue;
      }
      await step(stripe, customer, options.prices, stats);
      idle.push(customer);
    }
  };
  await Promise.all(Array.from({ length: options.lanes }, lane));
  return { customers, stats };
}
