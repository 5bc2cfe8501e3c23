// Stripe for development: with no STRIPE_SECRET_KEY, the offline emulator is started
// here, webhooks forwarded to this app, and the catalog synced into it. The app is handed
// the resulting settings, the same ones it would get for real Stripe.
import path from "node:path";
import { repoRoot } from "@saas/db/dev-database";
import { createStripeClient, syncStripe, type StripeEnv, type StripeSettings } from "@saas/billing";

export type LocalStripe = { settings: StripeSettings; describe: string; stop(): Promise<void> };

export async function prepareStripe(
  env: StripeEnv,
  options: {
    appPort: number;
    appBaseUrl: string;
    emulatorPort: number;
    /** Where the emulator keeps its state across restarts; "memory" keeps none. */
    emulatorData: string;
    /** Requests per second per API key, or "off"; unset is the emulator's default (Stripe's 25). */
    emulatorRateLimit?: number | "off" | undefined;
  },
): Promise<LocalStripe> {
  if (env.secretKey) {
    const settings = { ...env, secretKey: env.secretKey, webhookSecrets: env.webhookSecrets ?? [] };
    const local = await syncLocalStripe(settings, options.appBaseUrl);
    return {
      settings: local.settings,
      describe: `${env.apiBase ? `Stripe at ${env.apiBase}` : "Stripe (STRIPE_SECRET_KEY)"}${local.note}`,
      stop: async () => {},
    };
  }
  // Imported only here: production code never loads the emulator.
  const { startEmulator } = await import("@saas/stripe-emulator").catch(() => {
    throw new Error(
      "STRIPE_SECRET_KEY is not set and the Stripe emulator is not installed. " +
        "Set STRIPE_SECRET_KEY=sk_test_… (see .env.example).",
    );
  });
  const webhookSecret = env.webhookSecrets?.[0];
  const emulator = await startEmulator({
    port: options.emulatorPort,
    forwardTo: `http://127.0.0.1:${options.appPort}/api/webhooks/stripe`,
    ...(webhookSecret ? { webhookSecret } : {}),
    ...(options.emulatorData === "memory" ? {} : { dataFile: path.resolve(repoRoot, options.emulatorData) }),
    ...(options.emulatorRateLimit === undefined ? {} : { rateLimit: options.emulatorRateLimit }),
  });
  const settings: StripeSettings = {
    ...env,
    secretKey: emulator.apiKey,
    apiBase: emulator.url,
    webhookSecrets: [emulator.webhookSecret],
  };
  const local = await syncLocalStripe(settings, options.appBaseUrl);
  return {
    settings: local.settings,
    describe: `emulator at ${emulator.url} (dashboard there; webhooks forwarded to this app)${local.note}`,
    stop: () => emulator.stop(),
  };
}

/** A local Stripe (the emulator) is brought in line with the catalog on every start. */
async function syncLocalStripe(
  settings: StripeSettings,
  appBaseUrl: string,
): Promise<{ settings: StripeSettings; note: string }> {
  if (!settings.apiBase || settings.portalConfigurationId) return { settings, note: "" };
  const stripe = createStripeClient({ secretKey: settings.secretKey, apiBase: settings.apiBase });
  const { portalConfigurationId, changes } = await syncStripe(stripe, { appBaseUrl, apply: true });
  return {
    settings: { ...settings, portalConfigurationId: portalConfigurationId ?? settings.portalConfigurationId },
    note: changes.length ? `; catalog synced (${changes.length} change${changes.length === 1 ? "" : "s"})` : "",
  };
}
