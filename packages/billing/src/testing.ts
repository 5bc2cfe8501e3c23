// Test harness for billing: a database of its own, an emulator on a free port, and
// the project's real Stripe client pointed at it.
import { createTestDatabase, type TestDatabase } from "@saas/db/testing";
import {
  EmulatorControlClient,
  startEmulator,
  type EmulatorOptions,
  type RunningEmulator,
} from "@saas/stripe-emulator";
import type Stripe from "stripe";
import { syncStripe } from "./catalog/stripe-sync.ts";
import type { BillingDeps } from "./deps.ts";
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
    startEmulator({ realTimeTickMs: 0, settings: { clockAdvanceDelayMs: 5 }, ...options.emulator }),
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
