// Where things are, and throwaway folders that are always removed.
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
export const benchDir = path.join(repoRoot, "tooling/bench");
export const webDir = path.join(repoRoot, "apps/web");

/** A private scratch folder that PostgreSQL (running as its own user when we are root) can enter. */
export function scratchDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
