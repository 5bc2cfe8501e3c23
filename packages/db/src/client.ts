// The Prisma client over node-postgres. Kept apart from index.ts so that importing
// types never opens a connection.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client.ts";

export type CreateDbOptions = {
  /** Pool size per process. */
  max?: number;
};

export function createDb(databaseUrl: string, options: CreateDbOptions = {}): PrismaClient {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: options.max ?? 10 });
  return new PrismaClient({ adapter });
}
