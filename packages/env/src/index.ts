// Validates a package's environment variables once, with messages that name the
// variable and say how to set it.
import { z } from "zod";

export { environment, type Environment } from "./env.ts";

export class EnvError extends Error {
  override name = "EnvError";
}

/** How to set a variable, shown under its error, e.g. "DATABASE_URL=postgresql://…". */
export type EnvHints<T extends z.ZodRawShape> = Partial<Record<keyof T & string, string>>;

export function parseEnv<T extends z.ZodRawShape>(
  shape: T,
  hints: EnvHints<T>,
  source: Record<string, string | undefined>,
): z.infer<z.ZodObject<T>> {
  // An empty value means "unset", as in most .env tooling.
  const values = Object.fromEntries(
    Object.keys(shape).map((key) => [key, source[key] === "" ? undefined : source[key]]),
  );
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

/** A public URL, e.g. APP_BASE_URL: http(s), no trailing slash. */
export const baseUrlSchema = urlSchema(["http", "https"]).transform((value) => value.replace(/\/+$/, ""));

/** APP_BASE_URL when set, else the local address of the app's port. */
export function appBaseUrl(value: string | undefined, port: number): string {
  return value ?? `http://localhost:${port}`;
}
