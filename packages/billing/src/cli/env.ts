// What the billing command-line tools read besides Stripe's and the database's settings:
// where the app is, for the return URLs they give Stripe.
import { baseUrlSchema, parseEnv, portSchema, type Environment } from "@saas/env";

export function readCliEnv(source: Environment) {
  return parseEnv(
    { APP_BASE_URL: baseUrlSchema.optional(), PORT: portSchema.default(3000) },
    { APP_BASE_URL: "APP_BASE_URL=http://localhost:3000", PORT: "PORT=3000" },
    source,
  );
}
