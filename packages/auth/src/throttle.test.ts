// Both limits must hold when the attempts arrive at once, not only one after another; and
// what an attempt leaves in login_attempts, which every app process reads.
import { createTestDatabase, type TestDatabase } from "@saas/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logIn, signUp } from "./accounts.ts";
import { InvalidCredentials, TooManyAttempts } from "./errors.ts";
import { beginAttempt, THROTTLE } from "./throttle.ts";

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

/** Holds the advisory lock an attempt takes on `key` until released, as a concurrent attempt would. */
async function holdLock(key: string): Promise<() => Promise<void>> {
  let release = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  let locked = () => {};
  const held = new Promise<void>((resolve) => (locked = resolve));
  const transaction = database.db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`;
      locked();
      await gate;
    },
    { maxWait: 20_000, timeout: 60_000 },
  );
  await Promise.race([held, transaction]);
  return async () => {
    release();
    await transaction;
  };
}

const settledWithin = (promise: Promise<unknown>, ms: number) =>
  Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);

describe("beginAttempt", () => {
  // The lock keys are shared by every app process (and version) on one database.
  it("waits while another attempt holds its email's lock, or its address's, and for nothing else", async () => {
    const email = "locked-email@example.com";
    const ip = "10.30.0.1";
    for (const [key, attempt] of [
      [`throttle:email:${email}`, { email, ip: "10.30.0.2" }],
      [`throttle:ip:${ip}`, { email: "other-email@example.com", ip }],
    ] as const) {
      const release = await holdLock(key);
      const waiting = beginAttempt(database.db, attempt);
      const unrelated = beginAttempt(database.db, { email: "unrelated@example.com", ip: "10.30.0.3" });
      expect(await settledWithin(unrelated, 10_000)).toBe(true);
      expect(await settledWithin(waiting, 500)).toBe(false);
      expect(await database.db.loginAttempt.count({ where: attempt })).toBe(0);
      await release();
      await waiting;
      expect(await database.db.loginAttempt.count({ where: attempt })).toBe(1);
    }
  });

  it("blocks until the limit-th most recent failure leaves the window, to the second", async () => {
    const email = "retry-after@example.com";
    const now = new Date("2026-12-01T12:00:00.000Z");
    const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000 - 500);
    // Oldest first, as they happen: six failures in the window, the fifth most recent 9 minutes ago.
    for (const m of [10, 9, 8, 7, 6, 5]) {
      await database.db.loginAttempt.create({ data: { email, ip: `10.31.0.${m}`, createdAt: minutesAgo(m) } });
    }
    const refused = await beginAttempt(database.db, { email, ip: "10.31.1.1" }, now).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(TooManyAttempts);
    // 15 - 9 minutes, less half a second, rounded up.
    expect((refused as TooManyAttempts).retryAfterSeconds).toBe(6 * 60);
    expect(await database.db.loginAttempt.count({ where: { email, ip: "10.31.1.1" } })).toBe(0);
  });

  it("keeps a successful attempt on record as succeeded, and forgets the email's failures", async () => {
    const email = "kept-success@example.com";
    for (const ip of ["10.32.0.1", "10.32.0.2"]) await beginAttempt(database.db, { email, ip });
    await beginAttempt(database.db, { email: "someone-else@example.com", ip: "10.32.0.1" });
    const success = await beginAttempt(database.db, { email, ip: "10.32.0.3" });
    await success.succeeded();
    expect(
      await database.db.loginAttempt.findMany({ where: { email }, select: { ip: true, succeeded: true } }),
    ).toEqual([{ ip: "10.32.0.3", succeeded: true }]);
    expect(await database.db.loginAttempt.count({ where: { email: "someone-else@example.com" } })).toBe(1);
  });

  it("forgets a discarded attempt, and only that one", async () => {
    const email = "discarded@example.com";
    const first = await beginAttempt(database.db, { email, ip: "10.33.0.1" });
    await beginAttempt(database.db, { email, ip: "10.33.0.2" });
    await first.discard();
    expect(await database.db.loginAttempt.findMany({ where: { email }, select: { ip: true } })).toEqual([
      { ip: "10.33.0.2" },
    ]);
  });
});
