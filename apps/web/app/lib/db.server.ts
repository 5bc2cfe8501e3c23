// The process-wide Prisma client, on the database the server resolved at start (the
// embedded PostgreSQL when DATABASE_URL is unset).
import type { PrismaClient } from "@saas/db";
import { createDb } from "@saas/db/client";
import { appSettings } from "./settings.server";

declare global {
  var __db: PrismaClient | undefined;
}

function connect(): PrismaClient {
  // A webhook holds its connection while Stripe answers (BENCHMARKS.md): with the default 10,
  // ten slow Stripe calls stall every other request. PostgreSQL allows 100 by default.
  return createDb(appSettings().databaseUrl, { max: 30 });
}

// Kept on globalThis so development's module reloads do not open a new pool each time.
export const db: PrismaClient = (globalThis.__db ??= connect());
