// The Stripe settings this package reads, validated once.
import { parseEnv, urlSchema } from "@saas/env";
import { z } from "zod";

const secretKey = z.string().regex(/^(sk|rk)_(test|live)_\w+$/, { error: "must be a Stripe secret key (sk_test_… or sk_live_…)" });
const webhookSecrets = z
  .string()
  .transform((value) => value.split(",").map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(z.string().startsWith("whsec_", { error: "each secret must start with whsec_" })).min(1));

export function readBillingEnv(source: Record<string, string | undefined> = process.env) {
  return parseEnv(
    {
      STRIPE_SECRET_KEY: secretKey,
      STRIPE_API_BASE: urlSchema(["http", "https"]).optional(),
      STRIPE_WEBHOOK_SECRET: webhookSecrets.optional(),
      STRIPE_PORTAL_CONFIG_ID: z.string().startsWith("bpc_", { error: "must be a portal configuration id (bpc_…)" }).optional(),
      APP_BASE_URL: urlSchema(["http", "https"]),
      STRIPE_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    },
    {
      STRIPE_SECRET_KEY: "STRIPE_SECRET_KEY=sk_test_… (from the Stripe dashboard; unset in development to use the emulator)",
      STRIPE_API_BASE: "STRIPE_API_BASE=http://127.0.0.1:12111 (the emulator; unset for api.stripe.com)",
      STRIPE_WEBHOOK_SECRET: "STRIPE_WEBHOOK_SECRET=whsec_… (several, comma-separated, while rotating)",
      STRIPE_PORTAL_CONFIG_ID: "STRIPE_PORTAL_CONFIG_ID=bpc_… (printed by pnpm stripe:sync)",
      APP_BASE_URL: "APP_BASE_URL=http://localhost:3000",
      STRIPE_TIMEOUT_MS: "STRIPE_TIMEOUT_MS=10000 (per Stripe request; 2 retries follow a timeout)",
    },
    source,
  );
}

export type BillingEnv = ReturnType<typeof readBillingEnv>;
