// What the billing command-line tools share: .env, a Stripe client (the local emulator
// when no key is set), and the database (a running `pnpm dev`'s embedded one is borrowed).
import { createDb } from "@saas/db/client";
import { openAppDatabase, repoRoot } from "@saas/db/dev-database";
import { loadDotEnv } from "@saas/env";
import type { BillingDeps } from "../deps.ts";
import { readBillingEnv } from "../env.ts";
import { createStripeClient } from "../stripe-client.ts";

/** Where `pnpm dev` and `pnpm emulator` serve the emulator by default. */
export const LOCAL_EMULATOR = { secretKey: "sk_test_emulator", apiBase: "http://127.0.0.1:12111" };

export function openStripeContext(): Pick<BillingDeps, "stripe" | "config"> & { describeStripe: string } {
  loadDotEnv(repoRoot);
  const usingEmulator = !process.env.STRIPE_SECRET_KEY;
  const env = readBillingEnv({
    ...process.env,
    ...(usingEmulator ? { STRIPE_SECRET_KEY: LOCAL_EMULATOR.secretKey, STRIPE_API_BASE: process.env.STRIPE_API_BASE || LOCAL_EMULATOR.apiBase } : {}),
    APP_BASE_URL: process.env.APP_BASE_URL || `http://localhost:${process.env.PORT || 3000}`,
  });
  const live = env.STRIPE_SECRET_KEY.startsWith("sk_live_") || env.STRIPE_SECRET_KEY.startsWith("rk_live_");
  return {
    stripe: createStripeClient({ secretKey: env.STRIPE_SECRET_KEY, apiBase: env.STRIPE_API_BASE }),
    config: { appBaseUrl: env.APP_BASE_URL, portalConfigurationId: env.STRIPE_PORTAL_CONFIG_ID },
    describeStripe: usingEmulator
      ? `the emulator at ${env.STRIPE_API_BASE} (no STRIPE_SECRET_KEY set; it runs with pnpm dev or pnpm emulator)`
      : `Stripe ${live ? "LIVE" : "test"} mode${env.STRIPE_API_BASE ? ` at ${env.STRIPE_API_BASE}` : ""}`,
  };
}

export async function openCliContext(): Promise<BillingDeps & { describeStripe: string; close(): Promise<void> }> {
  const stripeContext = openStripeContext();
  const database = await openAppDatabase({ embeddedDir: process.env.EMBEDDED_POSTGRES_DIR });
  const db = createDb(database.url, { max: 4 });
  return {
    ...stripeContext,
    db,
    async close() {
      await db.$disconnect();
      await database.stop();
    },
  };
}

/** Runs a command-line tool and exits with its code; errors print their message, not a stack. */
export function runCli(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
