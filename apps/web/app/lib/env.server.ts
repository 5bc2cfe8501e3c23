// What the app reads from the environment at request time. server/index.ts has
// already validated these and filled in defaults before the app loads.
import { parseEnv, urlSchema } from "@saas/env";

export const env = parseEnv(
  { APP_BASE_URL: urlSchema(["http", "https"]) },
  { APP_BASE_URL: "APP_BASE_URL=http://localhost:3000" },
);
