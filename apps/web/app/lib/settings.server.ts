// The settings server/index.ts resolved at start: the database it opened, the Stripe it
// chose (the emulator's key in development), the public URL. The server hands them over
// before it loads the app, so nothing here reads or guesses the environment again.
//
// They travel in one well-known global slot because the server and the app are two copies
// of this module in development (Node loads the server, Vite the app).
import type { StripeSettings } from "@saas/billing";

export type AppSettings = {
  databaseUrl: string;
  /** Public URL of the app, without a trailing slash. */
  appBaseUrl: string;
  stripe: StripeSettings;
  /** The embedded SMTP inbox's folder (development, tests, the offline demo); null when mail goes to SMTP_URL. */
  inboxDir: string | null;
};

const SLOT = Symbol.for("saas-billing.app-settings");
type WithSettings = { [SLOT]?: AppSettings };

export function provideAppSettings(settings: AppSettings): void {
  (globalThis as WithSettings)[SLOT] = Object.freeze(settings);
}

export function appSettings(): AppSettings {
  const settings = (globalThis as WithSettings)[SLOT];
  if (!settings) {
    throw new Error(
      "The app's settings were not provided: start it with `pnpm dev` or `pnpm start` (server/index.ts resolves them).",
    );
  }
  return settings;
}
