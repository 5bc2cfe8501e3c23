// What the billing command-line tools read besides Stripe's and the database's settings:
// where the app is, for the return URLs they give Stripe, and where pnpm dev's emulator is.
import { baseUrlSchema, parseEnv, portSchema, type Environment } from "@saas/env";
import { LOCAL_EMULATOR } from "../env.ts";

export function readCliEnv(source: Environment) {
  return parseEnv(
    {
      APP_BASE_URL: baseUrlSchema.optional(),
      PORT: portSchema.default(3000),
      STRIPE_EMULATOR_PORT: portSchema.default(LOCAL_EMULATOR.port),
    },
    {
      APP_BASE_URL: "APP_BASE_URL=http://localhost:3000",
      PORT: "PORT=3000",
      STRIPE_EMULATOR_PORT: `STRIPE_EMULATOR_PORT=${LOCAL_EMULATOR.port}`,
    },
    source,
  );
}
