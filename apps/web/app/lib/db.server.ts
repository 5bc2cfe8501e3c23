// The process-wide Prisma client. The server entry has already resolved DATABASE_URL
// (the embedded PostgreSQL when it was unset), so here it is required.
import { createDb, type Db } from "@saas/db/client";
import { parseEnv, urlSchema } from "@saas/env";

export { isUniqueViolation } from "@saas/db";

declare global {
  var __db: Db | undefined;
}

function connect(): Db {
  const { DATABASE_URL } = parseEnv(
    { DATABASE_URL: urlSchema(["postgresql", "postgres"]) },
    { DATABASE_URL: "DATABASE_URL=postgresql://user:password@localhost:5432/app" },
  );
  // A webhook holds its connection while Stripe answers (BENCHMARKS.md): with the default 10,
  // ten slow Stripe calls stall every other request. PostgreSQL allows 100 by default.
  return createDb(DATABASE_URL, { max: 30 });
}

// Kept on globalThis so development's module reloads do not open a new pool each time.
export const db: Db = (globalThis.__db ??= connect());
