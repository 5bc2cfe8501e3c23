// Sign-up tells whether an email is taken (it cannot hide that without email
// verification), so asking it is throttled like log-in: per target email and per address.
import { createTestDatabase, type TestDatabase } from "@saas/db/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { signUp } from "./accounts.ts";
import { EmailTaken, TooManyAttempts } from "./errors.ts";
import { THROTTLE } from "./throttle.ts";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

let counter = 0;
const newEmail = () => `signup${++counter}-${Date.now()}@example.com`;
const outcome = (promise: Promise<unknown>) =>
  promise.then(
    () => "created",
    (error: unknown) => error,
  );
const register = (email: string, ip: string) =>
  signUp(database.db, { email, password: "right password", name: null, ip });

it("after 5 sign-ups onto one taken email, that email is refused outright", async () => {
  const taken = newEmail();
  await register(taken, "10.40.0.1");
  for (let i = 0; i < THROTTLE.maxFailuresPerEmail; i++) {
    await expect(register(taken, `10.40.1.${i}`)).rejects.toBeInstanceOf(EmailTaken);
  }
  await expect(register(taken, "10.40.2.1")).rejects.toBeInstanceOf(TooManyAttempts);
});

it("after 20 taken emails from one address: the same refusal whether the next email is taken or not", async () => {
  const ip = "10.41.0.1";
  const taken = await Promise.all(
    Array.from({ length: THROTTLE.maxFailuresPerIp + 1 }, (_, i) => register(newEmail(), `10.41.1.${i}`)),
  );
  for (const user of taken.slice(0, THROTTLE.maxFailuresPerIp)) {
    await expect(register(user.email, ip)).rejects.toBeInstanceOf(EmailTaken);
  }
  const free = newEmail();
  const [onTaken, onFree] = [await outcome(register(taken.at(-1)?.email ?? "", ip)), await outcome(register(free, ip))];
  expect(onTaken).toBeInstanceOf(TooManyAttempts);
  expect(onFree).toBeInstanceOf(TooManyAttempts);
  expect((onFree as Error).message).toBe((onTaken as Error).message);
  expect(await database.db.user.count({ where: { email: free } })).toBe(0);
});

it("parallel probes of one taken email: no more than 5 learn that it is taken", async () => {
  const taken = newEmail();
  await register(taken, "10.42.0.1");
  const results = await Promise.all(Array.from({ length: 12 }, (_, i) => outcome(register(taken, `10.42.1.${i}`))));
  expect(results.filter((r) => r instanceof EmailTaken)).toHaveLength(THROTTLE.maxFailuresPerEmail);
  expect(results.filter((r) => r instanceof TooManyAttempts)).toHaveLength(12 - THROTTLE.maxFailuresPerEmail);
});

it("sign-ups that succeed do not count: 25 new accounts from one address all go through", async () => {
  const ip = "10.43.0.1";
  for (let i = 0; i < 25; i++) await expect(outcome(register(newEmail(), ip))).resolves.toBe("created");
});
