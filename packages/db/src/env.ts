// The database settings of the app and its tools, validated once.
import { parseEnv, urlSchema, type Environment } from "@saas/env";
import { z } from "zod";

export type DatabaseSettings = {
  /** Any PostgreSQL; unset means the embedded one. */
  databaseUrl?: string | undefined;
  /** Data folder of the embedded PostgreSQL (relative paths are from the repository root). */
  embeddedDir?: string | undefined;
};

export function readDatabaseEnv(source: Environment): DatabaseSettings {
  const env = parseEnv(
    {
      DATABASE_URL: urlSchema(["postgresql", "postgres"]).optional(),
      EMBEDDED_POSTGRES_DIR: z.string().min(1).optional(),
    },
    {
      DATABASE_URL:
        "DATABASE_URL=postgresql://user:password@localhost:5432/app (or unset it to use the embedded PostgreSQL)",
      EMBEDDED_POSTGRES_DIR: "EMBEDDED_POSTGRES_DIR=.data/postgres",
    },
    source,
  );
  return { databaseUrl: env.DATABASE_URL, embeddedDir: env.EMBEDDED_POSTGRES_DIR };
}
