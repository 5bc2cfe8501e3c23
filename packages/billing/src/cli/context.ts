// What the billing command-line tools share: .env, a Stripe client (the local emulator
// when no key is set), and the database (a running `pnpm dev`'s embedded one is borrowed).
import { createDb } from "@saas/db/client";
import { openAppDatabase, readDatabaseEnv, repoRoot } from "@saas/db/dev-database";
import { appBaseUrl, environment } from "@saas/env";
import type { BillingDeps } from "../deps.ts";
import { isLiveKey, localEmulatorSettings, readStripeEnv } from "../env.ts";
import { readCliEnv } from "./env.ts";
import { createStripeClient } from "../stripe-client.ts";

export function openStripeContext(): Pick<BillingDeps, "stripe" | "config"> & { describeStripe: string } {
  const source = environment(repoRoot);
  const stripeEnv = readStripeEnv(source);
  const cli = readCliEnv(source);
  const { secretKey, apiBase } = stripeEnv.secretKey
    ? { secretKey: stripeEnv.secretKey, apiBase: stripeEnv.apiBase }
    : localEmulatorSettings(stripeEnv, cli.STRIPE_EMULATOR_PORT);
  return {
    stripe: createStripeClient({ secretKey, apiBase, timeoutMs: stripeEnv.timeoutMs }),
    config: {
      appBaseUrl: appBaseUrl(cli.APP_BASE_URL, cli.PORT),
      portalConfigurationId: stripeEnv.portalConfigurationId,
    },
    describeStripe: stripeEnv.secretKey
      ? `Stripe ${isLiveKey(secretKey) ? "LIVE" : "test"} mode${apiBase ? ` at ${apiBase}` : ""}`
      : `the emulator at ${apiBase} (no STRIPE_SECRET_KEY set; it runs with pnpm dev or pnpm emulator)`,
  };
}

/** The app's database: DATABASE_URL, a running `pnpm dev`'s embedded one, or one started for the command. */
export async function openCliDatabase(): Promise<Pick<BillingDeps, "db"> & { close(): Promise<void> }> {
  const database = await openAppDatabase(readDatabaseEnv(environment(repoRoot)));
  const db = createDb(database.url, { max: 4 });
  return {
    db,
    async close() {
      await db.$disconnect();
      await database.stop();
    },
  };
}

export async function openCliContext(): Promise<BillingDeps & { describeStripe: string; close(): Promise<void> }> {
  const stripeContext = openStripeContext();
  return { ...stripeContext, ...(await openCliDatabase()) };
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
