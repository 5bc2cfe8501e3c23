import { parseEnv, urlSchema } from "@saas/env";

/** The database this package reads from the environment; unset means "use the embedded PostgreSQL". */
export function readDatabaseEnv(source: Record<string, string | undefined> = process.env) {
  return parseEnv(
    { DATABASE_URL: urlSchema(["postgresql", "postgres"]).optional() },
    { DATABASE_URL: "DATABASE_URL=postgresql://user:password@localhost:5432/app (or unset it to use the embedded PostgreSQL)" },
    source,
  );
}
