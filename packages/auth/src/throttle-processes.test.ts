import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createTestDatabase, type TestDatabase } from "@saas/db/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { logIn, signUp } from "./accounts.ts";
import { InvalidCredentials, TooManyAttempts } from "./errors.ts";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), "testing", "attempt-logins.ts");

it("counts failures made by another process against the same database", async () => {
  const email = "two-processes@example.com";
  await signUp(database.db, { email, password: "right password", name: null, ip: "10.0.0.1" });
  // Another app process (its own Node process and connection pool) fails three times...
  const output = execFileSync(process.execPath, ["--import", "tsx", script, database.url, email, "3"], {
    encoding: "utf8",
  });
  expect(JSON.parse(output.trim().split("\n").at(-1) ?? "[]")).toEqual([
    "InvalidCredentials",
    "InvalidCredentials",
    "InvalidCredentials",
  ]);
  // ...so this one has two attempts left, then even the right password is refused.
  for (let i = 0; i < 2; i++) {
    await expect(logIn(database.db, { email, password: "wrong here", ip: `10.9.0.${i}` })).rejects.toBeInstanceOf(
      InvalidCredentials,
    );
  }
  await expect(logIn(database.db, { email, password: "right password", ip: "10.9.1.1" })).rejects.toBeInstanceOf(
    TooManyAttempts,
  );
});
