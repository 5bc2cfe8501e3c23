// The web server's own environment, validated once at start.
import { parseEnv, portSchema, urlSchema } from "@saas/env";
import { z } from "zod";

export function readServerEnv(source: Record<string, string | undefined> = process.env) {
  const env = parseEnv(
    {
      NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
      PORT: portSchema.default(3000),
      HOST: z.string().min(1).optional(),
      APP_BASE_URL: urlSchema(["http", "https"]).optional(),
      EMBEDDED_POSTGRES_DIR: z.string().min(1).optional(),
      TRUST_PROXY: z.string().min(1).default("false"),
      STRIPE_EMULATOR_PORT: portSchema.default(12111),
      STRIPE_EMULATOR_DATA: z.string().min(1).default(".data/stripe-emulator.json"),
    },
    {
      NODE_ENV: "NODE_ENV=production",
      PORT: "PORT=3000",
      HOST: "HOST=0.0.0.0",
      APP_BASE_URL: "APP_BASE_URL=https://app.example.com",
      EMBEDDED_POSTGRES_DIR: "EMBEDDED_POSTGRES_DIR=.data/postgres",
      TRUST_PROXY: "TRUST_PROXY=loopback (Express's trust proxy setting)",
      STRIPE_EMULATOR_PORT: "STRIPE_EMULATOR_PORT=12111",
      STRIPE_EMULATOR_DATA: "STRIPE_EMULATOR_DATA=.data/stripe-emulator.json (or memory)",
    },
    source,
  );
  const production = env.NODE_ENV === "production";
  return {
    ...env,
    production,
    // Reachable from outside the machine only where that is the point.
    HOST: env.HOST ?? (production ? "0.0.0.0" : "127.0.0.1"),
    APP_BASE_URL: (env.APP_BASE_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ""),
    // Express's "trust proxy": which hops may set X-Forwarded-For, and so the client IP
    // that login throttling counts. Off by default, so a client cannot pick its own IP.
    TRUST_PROXY: parseTrustProxy(env.TRUST_PROXY),
  };
}

export type ServerEnv = ReturnType<typeof readServerEnv>;

function parseTrustProxy(value: string): boolean | number | string {
  if (value === "true" || value === "false") return value === "true";
  return /^\d+$/.test(value) ? Number(value) : value;
}
