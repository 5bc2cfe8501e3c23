// Both limits must hold when the attempts arrive at once, not only one after another.
import { createTestDatabase, type TestDatabase } from "@saas/db/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { logIn, signUp } from "./accounts.ts";
import { InvalidCredentials, TooManyAttempts } from "./errors.ts";
import { THROTTLE } from "./throttle.ts";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

const outcome = (promise: Promise<unknown>) =>
  promise.then(
    () => "logged in",
    (error: unknown) => error,
  );

it("100 parallel attempts from one address with distinct emails: exactly 20 reach the password check", async () => {
  const ip = "10.20.0.1";
  const results = await Promise.all(
    Array.from({ length: 100 }, (_, i) =>
      outcome(logIn(database.db, { email: `parallel-${i}@example.com`, password: "guess", ip })),
    ),
  );
  expect(results.filter((r) => r instanceof InvalidCredentials)).toHaveLength(THROTTLE.maxFailuresPerIp);
  expect(results.filter((r) => r instanceof TooManyAttempts)).toHaveLength(100 - THROTTLE.maxFailuresPerIp);
  expect(await database.db.loginAttempt.count({ where: { ip, succeeded: false } })).toBe(THROTTLE.maxFailuresPerIp);
});

it("parallel attempts (one email from many addresses, many emails from one address) keep both limits", async () => {
  const email = "both-keys@example.com";
  await signUp(database.db, { email, password: "right password", name: null, ip: "10.0.0.1" });
  const ip = "10.21.0.1";
  const results = await Promise.all([
    ...Array.from({ length: 12 }, (_, i) =>
      outcome(logIn(database.db, { email, password: `guess ${i}`, ip: `10.22.0.${i}` })),
    ),
    ...Array.from({ length: 40 }, (_, i) =>
      outcome(logIn(database.db, { email: `spread-${i}@example.com`, password: "guess", ip })),
    ),
  ]);
  expect(results.filter((r) => r === "logged in")).toHaveLength(0);
  expect(await database.db.loginAttempt.count({ where: { email, succeeded: false } })).toBe(
    THROTTLE.maxFailuresPerEmail,
  );
  expect(await database.db.loginAttempt.count({ where: { ip, succeeded: false } })).toBe(THROTTLE.maxFailuresPerIp);
});
