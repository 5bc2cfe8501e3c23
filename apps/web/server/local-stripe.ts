// Stripe for development: with no STRIPE_SECRET_KEY, the offline emulator is started
// here, webhooks forwarded to this app, and the catalog synced into it. The app itself
// only ever sees STRIPE_* variables, as it would with real Stripe.
import path from "node:path";
import { repoRoot } from "@saas/db/dev-database";
import { createStripeClient, syncStripe } from "@saas/billing";

export type LocalStripe = { describe: string; stop(): Promise<void> };

export async function prepareStripe(options: {
  appPort: number;
  appBaseUrl: string;
  emulatorPort: number;
  /** Where the emulator keeps its state across restarts; "memory" keeps none. */
  emulatorData: string;
}): Promise<LocalStripe> {
  let stop = async () => {};
  let describe = process.env.STRIPE_API_BASE ? `Stripe at ${process.env.STRIPE_API_BASE}` : "Stripe (STRIPE_SECRET_KEY)";
  if (!process.env.STRIPE_SECRET_KEY) {
    // Imported only here: production code never loads the emulator.
    const { startEmulator } = await import("@saas/stripe-emulator").catch(() => {
      throw new Error("STRIPE_SECRET_KEY is not set and the Stripe emulator is not installed. Set STRIPE_SECRET_KEY=sk_test_… (see .env.example).");
    });
    const emulator = await startEmulator({
      port: options.emulatorPort,
      forwardTo: `http://127.0.0.1:${options.appPort}/api/webhooks/stripe`,
      ...(process.env.STRIPE_WEBHOOK_SECRET ? { webhookSecret: process.env.STRIPE_WEBHOOK_SECRET.split(",")[0] } : {}),
      ...(options.emulatorData === "memory" ? {} : { dataFile: path.resolve(repoRoot, options.emulatorData) }),
    });
    process.env.STRIPE_SECRET_KEY = emulator.apiKey;
    process.env.STRIPE_API_BASE = emulator.url;
    process.env.STRIPE_WEBHOOK_SECRET = emulator.webhookSecret;
    stop = () => emulator.stop();
    describe = `emulator at ${emulator.url} (dashboard there; webhooks forwarded to this app)`;
  }

  // A local Stripe (the emulator) is brought in line with the catalog on every start.
  if (process.env.STRIPE_API_BASE && !process.env.STRIPE_PORTAL_CONFIG_ID) {
    const stripe = createStripeClient({ secretKey: process.env.STRIPE_SECRET_KEY ?? "", apiBase: process.env.STRIPE_API_BASE });
    const { portalConfigurationId, changes } = await syncStripe(stripe, { appBaseUrl: options.appBaseUrl, apply: true });
    if (portalConfigurationId) process.env.STRIPE_PORTAL_CONFIG_ID = portalConfigurationId;
    if (changes.length) describe += `; catalog synced (${changes.length} change${changes.length === 1 ? "" : "s"})`;
  }
  return { describe, stop };
}
