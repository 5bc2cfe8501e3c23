// The Stripe settings this package reads, validated once.
import { parseEnv, urlSchema, type Environment } from "@saas/env";
import { z } from "zod";

const secretKey = z
  .string()
  .regex(/^(sk|rk)_(test|live)_\w+$/, { error: "must be a Stripe secret key (sk_test_… or sk_live_…)" });
const webhookSecrets = z
  .string()
  .transform((value) =>
    value
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().startsWith("whsec_", { error: "each secret must start with whsec_" })).min(1));

/** Stripe as the app talks to it: resolved at start (the emulator's values in development). */
export type StripeSettings = {
  secretKey: string;
  /** e.g. http://127.0.0.1:12111; unset means api.stripe.com. */
  apiBase?: string | undefined;
  webhookSecrets: string[];
  portalConfigurationId?: string | undefined;
  timeoutMs: number;
  /** Stripe Tax on Checkout and its subscriptions (STRIPE_AUTOMATIC_TAX=true); off by default. */
  automaticTax: boolean;
};

/** What the environment says of Stripe; a missing key means "the emulator" in development. */
export type StripeEnv = Omit<StripeSettings, "secretKey" | "webhookSecrets"> & {
  secretKey?: string | undefined;
  webhookSecrets?: string[] | undefined;
};

export function readStripeEnv(source: Environment): StripeEnv {
  const env = parseEnv(
    {
      STRIPE_SECRET_KEY: secretKey.optional(),
      STRIPE_API_BASE: urlSchema(["http", "https"]).optional(),
      STRIPE_WEBHOOK_SECRET: webhookSecrets.optional(),
      STRIPE_PORTAL_CONFIG_ID: z
        .string()
        .startsWith("bpc_", { error: "must be a portal configuration id (bpc_…)" })
        .optional(),
      STRIPE_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
      STRIPE_AUTOMATIC_TAX: z.enum(["true", "false"]).default("false"),
    },
    {
      STRIPE_SECRET_KEY:
        "STRIPE_SECRET_KEY=sk_test_… (from the Stripe dashboard; unset in development to use the emulator)",
      STRIPE_API_BASE: "STRIPE_API_BASE=http://127.0.0.1:12111 (the emulator; unset for api.stripe.com)",
      STRIPE_WEBHOOK_SECRET: "STRIPE_WEBHOOK_SECRET=whsec_… (several, comma-separated, while rotating)",
      STRIPE_PORTAL_CONFIG_ID: "STRIPE_PORTAL_CONFIG_ID=bpc_… (printed by pnpm stripe:sync)",
      STRIPE_TIMEOUT_MS:
        "STRIPE_TIMEOUT_MS=10000 (per request of background work such as webhooks; 2 retries follow a timeout; " +
        "calls a user waits on give up within 5 s regardless)",
      STRIPE_AUTOMATIC_TAX:
        "STRIPE_AUTOMATIC_TAX=true (Stripe Tax on Checkout: turn it on in the Stripe dashboard first) or false",
    },
    source,
  );
  return {
    secretKey: env.STRIPE_SECRET_KEY,
    apiBase: env.STRIPE_API_BASE,
    webhookSecrets: env.STRIPE_WEBHOOK_SECRET,
    portalConfigurationId: env.STRIPE_PORTAL_CONFIG_ID,
    timeoutMs: env.STRIPE_TIMEOUT_MS,
    automaticTax: env.STRIPE_AUTOMATIC_TAX === "true",
  };
}

export function isLiveKey(secretKey: string): boolean {
  return /^(sk|rk)_live_/.test(secretKey);
}

/**
 * The emulator that `pnpm dev` and `pnpm emulator` run when no STRIPE_SECRET_KEY is set, on
 * STRIPE_EMULATOR_PORT: the key it is served with, and its default port.
 */
export const LOCAL_EMULATOR = { secretKey: "sk_test_emulator", port: 12111 } as const;

/** Stripe settings for that local emulator: STRIPE_API_BASE if set, else 127.0.0.1 on `port`. */
export function localEmulatorSettings(env: StripeEnv, port: number): StripeSettings {
  return {
    ...env,
    secretKey: LOCAL_EMULATOR.secretKey,
    apiBase: env.apiBase ?? `http://127.0.0.1:${port}`,
    webhookSecrets: env.webhookSecrets ?? [],
  };
}
