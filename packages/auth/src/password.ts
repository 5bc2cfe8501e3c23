// Password hashing with argon2id. Parameters: docs/decisions/005-argon2id-parameters.md.
import { hash, verify } from "@node-rs/argon2";

const PARAMS = {
  algorithm: 2, // Algorithm.Argon2id (a const enum, which isolated modules cannot read)
  memoryCost: 19_456, // KiB (19 MiB)
  timeCost: 2,
  parallelism: 1,
  outputLen: 32,
} as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, PARAMS);
}

/** False for a wrong password and for a hash that is not argon2 at all (e.g. a disabled login). */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  if (!passwordHash.startsWith("$argon2")) return false;
  return verify(passwordHash, password);
}

let decoy: Promise<string> | undefined;

/**
 * Spends the same time as a real verification, so an unknown email cannot be told
 * apart from a wrong password by how long the answer takes.
 */
export async function verifyAgainstDecoy(password: string): Promise<false> {
  decoy ??= hashPassword("decoy password that no account has");
  await verify(await decoy, password);
  return false;
}
