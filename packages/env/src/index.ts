// Validates a package's environment variables once, with messages that name the
// variable and say how to set it.
import { existsSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

export class EnvError extends Error {
  override name = "EnvError";
}

/** How to set a variable, shown under its error, e.g. "DATABASE_URL=postgresql://…". */
export type EnvHints<T extends z.ZodRawShape> = Partial<Record<keyof T & string, string>>;

export function parseEnv<T extends z.ZodRawShape>(
  shape: T,
  hints: EnvHints<T>,
  source: Record<string, string | undefined> = process.env,
): z.infer<z.ZodObject<T>> {
  // An empty value means "unset", as in most .env tooling.
  const values = Object.fromEntries(Object.keys(shape).map((key) => [key, source[key] === "" ? undefined : source[key]]));
  const result = z.object(shape).safeParse(values);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = String(issue.path[0]);
    const hint = hints[name as keyof T & string];
    const got = values[name] === undefined ? "it is not set" : `got "${values[name]}"`;
    return `  ${name}: ${issue.message} (${got}).${hint ? `\n    Set it in .env or the shell, e.g. ${hint}` : ""}`;
  });
  return failWith(`Invalid environment:\n${lines.join("\n")}\nSee .env.example for every variable.`);
}

function failWith(message: string): never {
  throw new EnvError(message);
}

/** A TCP port number given as a string. */
export const portSchema = z.coerce
  .number({ error: "must be a whole number from 1 to 65535" })
  .int({ error: "must be a whole number from 1 to 65535" })
  .min(1, { error: "must be a whole number from 1 to 65535" })
  .max(65535, { error: "must be a whole number from 1 to 65535" });

/** A URL with one of the given protocols (without the colon). */
export function urlSchema(protocols: string[]) {
  return z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol.slice(0, -1));
      } catch {
        return false;
      }
    },
    { error: `must be a URL starting with ${protocols.map((p) => `${p}://`).join(" or ")}` },
  );
}

/**
 * Loads `<dir>/.env` when it exists. Variables already set in the environment win, so
 * the shell and CI can always override the file.
 */
export function loadDotEnv(dir: string): void {
  const file = path.join(dir, ".env");
  if (existsSync(file)) process.loadEnvFile(file);
}
