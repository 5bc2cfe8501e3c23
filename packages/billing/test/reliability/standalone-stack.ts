// What the runs with a database of their own start from: a restartable PostgreSQL, an
// emulator delivering webhooks on a given retry schedule, the catalog synced to it, and a
// patient client for the workload and the checks (they are not under test).
import { EmulatorControlClient, startEmulator, type RunningEmulator } from "@saas/stripe-emulator";
import type Stripe from "stripe";
import { syncStripe } from "../../src/catalog/stripe-sync.ts";
import { createStripeClient } from "../../src/stripe-client.ts";
import { TEST_APP_BASE_URL } from "../../src/testing.ts";
import { startRestartableDatabase, type RestartableDatabase } from "./restartable-database.ts";

export type StandaloneStack = {
  pg: RestartableDatabase;
  emulator: RunningEmulator;
  control: EmulatorControlClient;
  stripe: Stripe;
  prices: string[];
  close(): Promise<void>;
};

/** The workload's own client: generous timeouts and retries, because the machine may be busy. */
export function workloadStripe(apiBase: string): Stripe {
  return createStripeClient({ secretKey: "sk_test_workload", apiBase, timeoutMs: 30_000, maxNetworkRetries: 3 });
}

export async function startStandaloneStack(options: { webhookRetryScheduleMs: number[] }): Promise<StandaloneStack> {
  const [pg, emulator] = await Promise.all([
    startRestartableDatabase(),
    startEmulator({
      realTimeTickMs: 0,
      settings: { clockAdvanceDelayMs: 5 },
      webhookRetryScheduleMs: options.webhookRetryScheduleMs,
      // About processes and the database going away: Stripe's rate limit is another test's subject.
      rateLimit: "off",
    }),
  ]);
  const stripe = workloadStripe(emulator.url);
  const { priceIds } = await syncStripe(stripe, { appBaseUrl: TEST_APP_BASE_URL, apply: true });
  return {
    pg,
    emulator,
    control: new EmulatorControlClient(emulator.url),
    stripe,
    prices: Object.values(priceIds),
    async close() {
      await emulator.stop();
      await pg.destroy();
    },
  };
}
