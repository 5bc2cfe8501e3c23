// Test harness for billing: a database of its own, an emulator on a free port, and
// the project's real Stripe client pointed at it.
import { addMember, createUser } from "@saas/db/factories";
import { createTestDatabase, type TestDatabase } from "@saas/db/testing";
import {
  EmulatorControlClient,
  startEmulator,
  type EmulatorOptions,
  type RunningEmulator,
} from "@saas/stripe-emulator";
import { Logger, runOnce } from "graphile-worker";
import type Stripe from "stripe";
import { syncStripe } from "./catalog/stripe-sync.ts";
import type { BillingDeps } from "./deps.ts";
import { billingTasks, type JobLogLine } from "./jobs/tasks.ts";
import { createStripeClient, USER_FACING_REQUEST } from "./stripe-client.ts";

export { seededRandom, type Rng } from "./seeded-random.ts";

export type BillingHarness = BillingDeps & {
  database: TestDatabase;
  emulator: RunningEmulator;
  control: EmulatorControlClient;
  close(): Promise<void>;
};

export const TEST_APP_BASE_URL = "http://localhost:3999";

/** A fault with this count fails every attempt of a call a user waits on (the first and its retry). */
export const USER_FACING_ATTEMPTS = USER_FACING_REQUEST.maxNetworkRetries + 1;

export async function startBillingHarness(
  options: {
    emulator?: EmulatorOptions;
    stripe?: { timeoutMs?: number; maxNetworkRetries?: number };
    /** Sync the catalog and portal configuration into the emulator, as `pnpm dev` does. */
    catalog?: boolean;
  } = {},
): Promise<BillingHarness> {
  const [database, emulator] = await Promise.all([
    createTestDatabase(),
    // The rate limit is off unless a test asks for it: tests about other things outrun 25 calls a second.
    startEmulator({ realTimeTickMs: 0, settings: { clockAdvanceDelayMs: 5 }, rateLimit: "off", ...options.emulator }),
  ]);
  const stripe: Stripe = createStripeClient({
    secretKey: "sk_test_billing",
    apiBase: emulator.url,
    timeoutMs: options.stripe?.timeoutMs ?? 2_000,
    maxNetworkRetries: options.stripe?.maxNetworkRetries ?? 0,
  });
  const portalConfigurationId = options.catalog
    ? ((await syncStripe(stripe, { appBaseUrl: TEST_APP_BASE_URL, apply: true })).portalConfigurationId ?? undefined)
    : undefined;
  return {
    db: database.db,
    stripe,
    config: { appBaseUrl: TEST_APP_BASE_URL, portalConfigurationId },
    database,
    emulator,
    control: new EmulatorControlClient(emulator.url),
    async close() {
      await Promise.all([database.drop(), emulator.stop()]);
    },
  };
}

/**
 * A user of the app whose personal organization is mapped to a Stripe customer paying with
 * pm_card_visa, with one monthly subscription to a plan of its own that is not synced yet; on
 * `testClock` when given, with a trial of `trialDays` when given.
 */
export async function createMappedSubscriber(
  deps: Pick<BillingDeps, "db" | "stripe">,
  plan: { name: string; unitAmount: number; testClock?: string; trialDays?: number },
) {
  const user = await createUser(deps.db);
  const customer = await deps.stripe.customers.create({
    email: user.email,
    ...(plan.testClock ? { test_clock: plan.testClock } : {}),
    metadata: { organizationId: user.organization.id },
    payment_method: "pm_card_visa",
    invoice_settings: { default_payment_method: "pm_card_visa" },
  });
  await deps.db.account.update({ where: { id: user.account.id }, data: { stripeCustomerId: customer.id } });
  const price = await deps.stripe.prices.create({
    currency: "usd",
    unit_amount: plan.unitAmount,
    recurring: { interval: "month" },
    product_data: { name: plan.name },
  });
  const subscription = await deps.stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: price.id }],
    ...(plan.trialDays ? { trial_period_days: plan.trialDays } : {}),
  });
  return { user, customer, subscription };
}

/**
 * An organization of `members` people whose customer (paying with pm_card_visa) subscribes to
 * the catalog's `lookupKey` with `quantity`; the subscription is not synced yet.
 */
export async function subscribedOrganization(
  deps: Pick<BillingDeps, "db" | "stripe">,
  lookupKey: string,
  members: number,
  quantity = 1,
) {
  const owner = await createUser(deps.db);
  for (let i = 1; i < members; i++) await addMember(deps.db, owner.organization.id, (await createUser(deps.db)).id);
  const customer = await deps.stripe.customers.create({
    email: owner.email,
    metadata: { organizationId: owner.organization.id },
    payment_method: "pm_card_visa",
    invoice_settings: { default_payment_method: "pm_card_visa" },
  });
  await deps.db.account.update({ where: { id: owner.account.id }, data: { stripeCustomerId: customer.id } });
  const [price] = (await deps.stripe.prices.list({ lookup_keys: [lookupKey] })).data;
  if (!price) throw new Error(`no price ${lookupKey}: start the harness with the catalog`);
  const subscription = await deps.stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: price.id, quantity }],
  });
  return { organizationId: owner.organization.id, customerId: customer.id, subscription };
}

/** Advances a test clock and waits until the emulator has run everything due. */
export async function advanceClock(stripe: Stripe, clockId: string, to: number): Promise<void> {
  await stripe.testHelpers.testClocks.advance(clockId, { frozen_time: to });
  for (let i = 0; i < 200; i++) {
    if ((await stripe.testHelpers.testClocks.retrieve(clockId)).status === "ready") return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("test clock did not finish advancing");
}

/** The queue's own messages, kept out of test output. */
export const SILENT_QUEUE_LOGGER = new Logger(() => () => {});

/**
 * Runs every queued job that is due, as the worker would, until none is left (a job that
 * fails is retried later, by the queue's back-off: `retryFailedJobsNow` makes it due).
 */
export async function drainQueue(
  h: Pick<BillingDeps, "db" | "stripe"> & { database: { url: string } },
  log?: (line: JobLogLine) => void,
): Promise<void> {
  await runOnce({ connectionString: h.database.url, taskList: billingTasks(h, log), logger: SILENT_QUEUE_LOGGER });
}

/** Makes jobs waiting out their back-off due now. */
export async function retryFailedJobsNow(db: BillingDeps["db"]): Promise<number> {
  return db.$executeRaw`UPDATE graphile_worker._private_jobs SET run_at = now() WHERE attempts > 0`;
}

/** Makes jobs scheduled for later (e.g. backing off from Stripe's rate limit) due now. */
export async function makeScheduledJobsDueNow(db: BillingDeps["db"]): Promise<number> {
  return db.$executeRaw`UPDATE graphile_worker._private_jobs SET run_at = now() WHERE run_at > now()`;
}

/** The customer's sync jobs on the queue (pending, running or waiting to retry). */
export async function queuedJobs(
  db: BillingDeps["db"],
  customerId: string,
): Promise<Array<{ task: string; key: string | null }>> {
  return db.$queryRaw`
    SELECT task_identifier AS task, key FROM graphile_worker.jobs
    WHERE queue_name = ${`stripe-customer:${customerId}`} ORDER BY id`;
}

/** Sessions of this database inside a transaction that is waiting on its client (e.g. on Stripe). */
export async function idleInTransaction(db: BillingDeps["db"]): Promise<number> {
  const [row] = await db.$queryRaw<Array<{ n: number }>>`
    SELECT count(*)::int AS n FROM pg_stat_activity
    WHERE datname = current_database() AND state LIKE 'idle in transaction%'`;
  return row?.n ?? 0;
}
