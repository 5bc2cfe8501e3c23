// Settings → Account asks for the current password; a hijacked session must not get
// more guesses at it than the log-in form gives.
import { createTestDatabase, type TestDatabase } from "@saas/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changeEmail, changePassword } from "./account-changes.ts";
import { logIn, signUp } from "./accounts.ts";
import { EmailTaken, InvalidCredentials, TooManyAttempts } from "./errors.ts";
import { THROTTLE } from "./throttle.ts";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

let counter = 0;
const newEmail = () => `changes${++counter}-${Date.now()}@example.com`;
const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: unknown) => error,
  );
const register = (email = newEmail()) =>
  signUp(database.db, { email, password: "right password", name: null, ip: "10.0.0.1" });
const newPassword = (userId: string, currentPassword: string, ip = "10.30.0.1") =>
  changePassword(database.db, { userId, currentPassword, newPassword: "a new password", ip });
// Stands in for billing's updateUserEmail: the same unique constraint decides.
const moveTo = (userId: string, currentPassword: string, email: string, ip = "10.31.0.1") =>
  changeEmail(
    database.db,
    { userId, currentPassword, newEmail: email, ip },
    {
      updateEmail: async (to) => {
        await database.db.user.update({ where: { id: userId }, data: { email: to } });
      },
    },
  );

describe("changing the password", () => {
  it("after 5 wrong current passwords even the right one is refused, and the password stays", async () => {
    const user = await register();
    for (let i = 0; i < THROTTLE.maxFailuresPerEmail; i++) {
      await expect(newPassword(user.id, `guess ${i}`, `10.30.1.${i}`)).rejects.toBeInstanceOf(InvalidCredentials);
    }
    const refused = await rejection(newPassword(user.id, "right password"));
    expect(refused).toBeInstanceOf(TooManyAttempts);
    const stored = await database.db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(stored.passwordHash).toBe(user.passwordHash);
  });

  it("parallel guesses: 12 at once let no more than 5 reach the password check", async () => {
    const user = await register();
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => rejection(newPassword(user.id, `guess ${i}`, `10.30.2.${i}`))),
    );
    expect(results.filter((r) => r instanceof InvalidCredentials)).toHaveLength(THROTTLE.maxFailuresPerEmail);
    expect(results.filter((r) => r instanceof TooManyAttempts)).toHaveLength(12 - THROTTLE.maxFailuresPerEmail);
  });

  it("shares the user's count with the log-in form: 3 guesses here and 2 there lock both", async () => {
    const user = await register();
    for (let i = 0; i < 3; i++) await rejection(newPassword(user.id, `guess ${i}`, `10.30.3.${i}`));
    for (let i = 0; i < 2; i++)
      await rejection(logIn(database.db, { email: user.email, password: `guess ${i}`, ip: `10.30.4.${i}` }));
    await expect(
      logIn(database.db, { email: user.email, password: "right password", ip: "10.30.5.1" }),
    ).rejects.toBeInstanceOf(TooManyAttempts);
    await expect(newPassword(user.id, "right password", "10.30.5.2")).rejects.toBeInstanceOf(TooManyAttempts);
  });
});

describe("changing the email", () => {
  it("needs the current password: a wrong one changes nothing", async () => {
    const user = await register();
    const target = newEmail();
    await expect(moveTo(user.id, "not it", target)).rejects.toBeInstanceOf(InvalidCredentials);
    expect((await database.db.user.findUniqueOrThrow({ where: { id: user.id } })).email).toBe(user.email);
    await moveTo(user.id, "right password", target);
    expect((await database.db.user.findUniqueOrThrow({ where: { id: user.id } })).email).toBe(target);
  });

  it("after 5 wrong current passwords even the right one is refused", async () => {
    const user = await register();
    for (let i = 0; i < THROTTLE.maxFailuresPerEmail; i++) {
      await expect(moveTo(user.id, `guess ${i}`, newEmail(), `10.31.1.${i}`)).rejects.toBeInstanceOf(
        InvalidCredentials,
      );
    }
    await expect(moveTo(user.id, "right password", newEmail())).rejects.toBeInstanceOf(TooManyAttempts);
    expect((await database.db.user.findUniqueOrThrow({ where: { id: user.id } })).email).toBe(user.email);
  });

  it("onto a taken email: EmailTaken, and after 5 such tries that email is refused outright", async () => {
    const owner = await register();
    for (let i = 0; i < THROTTLE.maxFailuresPerEmail; i++) {
      const prober = await register();
      await expect(moveTo(prober.id, "right password", owner.email, `10.31.2.${i}`)).rejects.toBeInstanceOf(EmailTaken);
    }
    const prober = await register();
    await expect(moveTo(prober.id, "right password", owner.email, "10.31.3.1")).rejects.toBeInstanceOf(TooManyAttempts);
  });

  it("an outage while applying the change does not count against the email", async () => {
    const user = await register();
    const target = newEmail();
    const failing = { updateEmail: () => Promise.reject(new Error("Stripe is down")) };
    for (let i = 0; i < THROTTLE.maxFailuresPerEmail + 1; i++) {
      await expect(
        changeEmail(
          database.db,
          { userId: user.id, currentPassword: "right password", newEmail: target, ip: `10.31.4.${i}` },
          failing,
        ),
      ).rejects.toThrow("Stripe is down");
    }
    await moveTo(user.id, "right password", target);
    expect((await database.db.user.findUniqueOrThrow({ where: { id: user.id } })).email).toBe(target);
  });
});
