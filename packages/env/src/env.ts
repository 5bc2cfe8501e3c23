// The one place that reads the process environment (with `.env` under it): every
// package's env.ts validates what it needs from the record this returns, and nothing
// writes the environment back.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseEnv as parseDotEnv } from "node:util";

export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * The variables of this process, over those of `<dir>/.env` when it exists: the shell and
 * CI always override the file.
 */
export function environment(dir?: string): Environment {
  const file = dir ? path.join(dir, ".env") : null;
  const fromFile = file && existsSync(file) ? parseDotEnv(readFileSync(file, "utf8")) : {};
  return { ...fromFile, ...process.env };
}
