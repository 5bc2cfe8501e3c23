// The web server's own environment, validated once at start.
import { LOCAL_EMULATOR } from "@saas/billing";
import { appBaseUrl, baseUrlSchema, EnvError, parseEnv, portSchema, type Environment } from "@saas/env";
import { SMTP_URL_HINT } from "@saas/mail";
import { z } from "zod";

export function readServerEnv(source: Environment) {
  const env = parseEnv(
    {
      NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
      PORT: portSchema.default(3000),
      HOST: z.string().min(1).optional(),
      APP_BASE_URL: baseUrlSchema.optional(),
      TRUST_PROXY: z.string().min(1).default("false"),
      STRIPE_EMULATOR_PORT: portSchema.default(LOCAL_EMULATOR.port),
      STRIPE_EMULATOR_DATA: z.string().min(1).default(".data/stripe-emulator.json"),
      // Unset: the emulator's own default, Stripe's test mode limit of 25.
      STRIPE_EMULATOR_RATE_LIMIT: z.union([z.literal("off"), z.coerce.number().positive()]).optional(),
      OFFLINE_DEMO: z.enum(["true", "false"]).default("false"),
      WORKER_IN_PROCESS: z.enum(["true", "false"]).default("true"),
      WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(4),
    },
    {
      NODE_ENV: "NODE_ENV=production",
      PORT: "PORT=3000",
      HOST: "HOST=0.0.0.0",
      APP_BASE_URL: "APP_BASE_URL=https://app.example.com",
      TRUST_PROXY: "TRUST_PROXY=loopback (Express's trust proxy setting)",
      STRIPE_EMULATOR_PORT: `STRIPE_EMULATOR_PORT=${LOCAL_EMULATOR.port}`,
      STRIPE_EMULATOR_DATA: "STRIPE_EMULATOR_DATA=.data/stripe-emulator.json (or memory)",
      STRIPE_EMULATOR_RATE_LIMIT: "STRIPE_EMULATOR_RATE_LIMIT=25 (API requests per second per key, or off)",
      OFFLINE_DEMO: "OFFLINE_DEMO=true (production build on the embedded database and the Stripe emulator)",
      WORKER_IN_PROCESS: "WORKER_IN_PROCESS=false (when `pnpm worker` processes run the job queue instead)",
      WORKER_CONCURRENCY: "WORKER_CONCURRENCY=4 (jobs one worker runs at a time)",
    },
    source,
  );
  const production = env.NODE_ENV === "production";
  const offlineDemo = env.OFFLINE_DEMO === "true";
  if (production && !offlineDemo) requireProductionSettings(source);
  return {
    ...env,
    production,
    /** The production build on embedded services: for demos and end-to-end tests, never for customers. */
    offlineDemo,
    /** Whether this process runs the job queue too (the default: one command runs everything). */
    workerInProcess: env.WORKER_IN_PROCESS === "true",
    // Reachable from outside the machine only where that is the point.
    HOST: env.HOST ?? (production ? "0.0.0.0" : "127.0.0.1"),
    APP_BASE_URL: appBaseUrl(env.APP_BASE_URL, env.PORT),
    // Express's "trust proxy": which hops may set X-Forwarded-For, and so the client IP
    // that login throttling counts. Off by default, so a client cannot pick its own IP.
    TRUST_PROXY: parseTrustProxy(env.TRUST_PROXY),
  };
}

/**
 * What production cannot do without: the development stand-ins (emulator, embedded database,
 * embedded SMTP inbox) never start there. Without SMTP_URL the app would silently drop its
 * dunning emails, which is worse than not starting.
 */
const PRODUCTION_REQUIRED: Record<string, string> = {
  DATABASE_URL: "DATABASE_URL=postgresql://user:password@db.example.com:5432/app",
  APP_BASE_URL: "APP_BASE_URL=https://app.example.com (the public URL: Stripe's return URLs are built from it)",
  STRIPE_SECRET_KEY: "STRIPE_SECRET_KEY=sk_live_… (or sk_test_… for a staging deployment)",
  STRIPE_WEBHOOK_SECRET: "STRIPE_WEBHOOK_SECRET=whsec_… (the signing secret of the webhook endpoint)",
  SMTP_URL: SMTP_URL_HINT,
};

function requireProductionSettings(source: Environment): void {
  const missing = Object.keys(PRODUCTION_REQUIRED).filter((name) => !source[name]);
  if (!missing.length) return;
  const lines = missing.map(
    (name) => `  ${name}: required in production (it is not set).\n    Set it, e.g. ${PRODUCTION_REQUIRED[name]}`,
  );
  throw new EnvError(
    `Production (NODE_ENV=production) is missing its settings:\n${lines.join("\n")}\n` +
      "For a demo of the production build on the embedded database and the Stripe emulator, set OFFLINE_DEMO=true.",
  );
}

function parseTrustProxy(value: string): boolean | number | string {
  if (value === "true" || value === "false") return value === "true";
  return /^\d+$/.test(value) ? Number(value) : value;
}
