import { createTestDatabase, type TestDatabase } from "@saas/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changePassword } from "./account-changes.ts";
import { logIn, signUp } from "./accounts.ts";
import { EmailTaken, InvalidCredentials, TooManyAttempts } from "./errors.ts";
import { createAuth } from "./lucia.ts";
import { THROTTLE } from "./throttle.ts";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

let counter = 0;
const newEmail = () => `user${++counter}-${Date.now()}@example.com`;
const attempt = (email: string, password: string, ip = "10.0.0.1") => logIn(database.db, { email, password, ip });
const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: unknown) => error,
  );

describe("sign-up", () => {
  it("creates the user, their personal organization and its account together, with a hashed password", async () => {
    const email = newEmail();
    const user = await signUp(database.db, { email, password: "correct horse", name: "Ada", ip: "10.0.0.1" });
    const stored = await database.db.user.findUniqueOrThrow({
      where: { id: user.id },
      include: { memberships: { include: { organization: { include: { account: true } } } } },
    });
    expect(stored.email).toBe(email);
    expect(stored.memberships).toHaveLength(1);
    const [owned] = stored.memberships;
    expect(owned?.role).toBe("owner");
    expect(owned?.organization.name).toBe("Ada");
    expect(owned?.organization.slug).toMatch(/^ada-[0-9a-f]{12}$/);
    expect(owned?.organization.account).not.toBeNull();
    expect(owned?.organization.account?.stripeCustomerId).toBeNull();
    expect(stored.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(stored.passwordHash).not.toContain("correct horse");
  });

  it("refuses a second account for the same email and leaves the first untouched", async () => {
    const email = newEmail();
    const first = await signUp(database.db, { email, password: "first password", name: null, ip: "10.0.0.1" });
    await expect(
      signUp(database.db, { email, password: "second password", name: null, ip: "10.0.0.1" }),
    ).rejects.toBeInstanceOf(EmailTaken);
    expect(await database.db.user.count({ where: { email } })).toBe(1);
    const owned = { organization: { memberships: { some: { userId: first.id } } } };
    expect(await database.db.account.count({ where: owned })).toBe(1);
    await expect(attempt(email, "first password")).resolves.toMatchObject({ id: first.id });
  });

  it("passes on a failure of ours (not a taken email) and does not count it as an attempt", async () => {
    const email = newEmail();
    const organizationsBefore = await database.db.organization.count();
    // PostgreSQL refuses a NUL in text: the insert fails, but not on a unique constraint.
    const error = await rejection(
      signUp(database.db, { email, password: "any password", name: "\u0000", ip: "10.0.0.1" }),
    );
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(EmailTaken);
    expect(await database.db.user.count({ where: { email } })).toBe(0);
    // Nothing of it stays behind: the organization went with the user's insert.
    expect(await database.db.organization.count()).toBe(organizationsBefore);
    expect(await database.db.loginAttempt.count({ where: { email } })).toBe(0);
  });
});

describe("log-in", () => {
  it("accepts the right password", async () => {
    const email = newEmail();
    const user = await signUp(database.db, { email, password: "right password", name: null, ip: "10.0.0.1" });
    await expect(attempt(email, "right password")).resolves.toMatchObject({ id: user.id });
  });

  it("gives a wrong password and an unknown email the same answer", async () => {
    const email = newEmail();
    await signUp(database.db, { email, password: "right password", name: null, ip: "10.0.0.1" });
    const wrong = await rejection(attempt(email, "wrong password"));
    const unknown = await rejection(attempt(newEmail(), "any password"));
    expect(wrong).toBeInstanceOf(InvalidCredentials);
    expect(unknown).toBeInstanceOf(InvalidCredentials);
    expect((wrong as Error).message).toBe("Invalid email or password");
    expect((unknown as Error).message).toBe((wrong as Error).message);
  });

  it("refuses further attempts for an email after 5 failures, even with the right password", async () => {
    const email = newEmail();
    await signUp(database.db, { email, password: "right password", name: null, ip: "10.0.0.1" });
    for (let i = 0; i < THROTTLE.maxFailuresPerEmail; i++) {
      await expect(attempt(email, `wrong ${i}`, `10.1.0.${i}`)).rejects.toBeInstanceOf(InvalidCredentials);
    }
    const refused = await rejection(attempt(email, "right password", "10.1.1.1"));
    expect(refused).toBeInstanceOf(TooManyAttempts);
    expect((refused as TooManyAttempts).retryAfterSeconds).toBeGreaterThan(14 * 60);
    expect((refused as Error).message).toMatch(/Too many failed attempts\. Try again in 15 minutes\./);
  });

  it("lets the email in again once its failures leave the 15-minute window", async () => {
    const email = newEmail();
    const user = await signUp(database.db, { email, password: "right password", name: null, ip: "10.0.0.1" });
    const old = new Date(Date.now() - THROTTLE.windowMs - 1000);
    await database.db.loginAttempt.createMany({
      data: Array.from({ length: 5 }, () => ({ email, ip: "10.2.0.1", createdAt: old })),
    });
    await expect(attempt(email, "right password")).resolves.toMatchObject({ id: user.id });
  });

  it("counts parallel guesses: 12 at once let no more than 5 reach the password check", async () => {
    const email = newEmail();
    await signUp(database.db, { email, password: "right password", name: null, ip: "10.0.0.1" });
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => rejection(attempt(email, `guess ${i}`, `10.3.0.${i}`))),
    );
    expect(results.filter((r) => r instanceof InvalidCredentials)).toHaveLength(THROTTLE.maxFailuresPerEmail);
    expect(results.filter((r) => r instanceof TooManyAttempts)).toHaveLength(12 - THROTTLE.maxFailuresPerEmail);
  });

  it("refuses an address after 20 failures across different emails", async () => {
    const ip = "10.9.9.9";
    for (let i = 0; i < THROTTLE.maxFailuresPerIp; i++) {
      await expect(attempt(newEmail(), "nope", ip)).rejects.toBeInstanceOf(InvalidCredentials);
    }
    const email = newEmail();
    await signUp(database.db, { email, password: "right password", name: null, ip: "10.0.0.1" });
    await expect(attempt(email, "right password", ip)).rejects.toBeInstanceOf(TooManyAttempts);
    await expect(attempt(email, "right password", "10.9.9.10")).resolves.toBeTruthy();
  });

  it("forgets an email's failures after a successful log-in", async () => {
    const email = newEmail();
    await signUp(database.db, { email, password: "right password", name: null, ip: "10.0.0.1" });
    for (let i = 0; i < 4; i++) await rejection(attempt(email, "wrong", `10.4.0.${i}`));
    await attempt(email, "right password", "10.4.1.1");
    for (let i = 0; i < 4; i++) await rejection(attempt(email, "wrong", `10.4.2.${i}`));
    await expect(attempt(email, "right password", "10.4.3.1")).resolves.toBeTruthy();
  });
});

describe("sessions", () => {
  it("creates, validates and invalidates a session server-side", async () => {
    const auth = createAuth(database.db, { appBaseUrl: "http://localhost:3000" });
    const user = await signUp(database.db, {
      email: newEmail(),
      password: "right password",
      name: "Grace",
      ip: "10.0.0.1",
    });
    const session = await auth.createSession(user.id, {});
    const valid = await auth.validateSession(session.id);
    expect(valid.user).toMatchObject({ id: user.id, email: user.email, name: "Grace" });
    await auth.invalidateSession(session.id);
    expect((await auth.validateSession(session.id)).session).toBeNull();
    expect(await database.db.session.count({ where: { id: session.id } })).toBe(0);
  });

  it("extends a session that is more than half expired", async () => {
    const auth = createAuth(database.db, { appBaseUrl: "http://localhost:3000" });
    const user = await signUp(database.db, {
      email: newEmail(),
      password: "right password",
      name: null,
      ip: "10.0.0.1",
    });
    const session = await auth.createSession(user.id, {});
    const soon = new Date(Date.now() + 5 * 24 * 3600 * 1000);
    await database.db.session.update({ where: { id: session.id }, data: { expiresAt: soon } });
    const validated = await auth.validateSession(session.id);
    expect(validated.session?.fresh).toBe(true);
    const stored = await database.db.session.findUniqueOrThrow({ where: { id: session.id } });
    expect(stored.expiresAt.getTime()).toBeGreaterThan(Date.now() + 29 * 24 * 3600 * 1000);
  });

  it("refuses a session a minute past its expiry, and one that is fresh keeps its expiry", async () => {
    const auth = createAuth(database.db, { appBaseUrl: "http://localhost:3000" });
    const user = await signUp(database.db, {
      email: newEmail(),
      password: "right password",
      name: null,
      ip: "10.0.0.1",
    });
    const expired = await auth.createSession(user.id, {});
    await database.db.session.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 60_000) } });
    expect(await auth.validateSession(expired.id)).toEqual({ user: null, session: null });
    expect(await database.db.session.count({ where: { id: expired.id } })).toBe(0);

    const current = await auth.createSession(user.id, {});
    const validated = await auth.validateSession(current.id);
    expect(validated.session?.fresh).toBe(false);
    expect(validated.session?.expiresAt.getTime()).toBe(current.expiresAt.getTime());
  });

  it("sets Secure on the cookie only when the app is served over https", () => {
    const plain = createAuth(database.db, { appBaseUrl: "http://localhost:3000" })
      .createSessionCookie("abc")
      .serialize();
    const secure = createAuth(database.db, { appBaseUrl: "https://app.example.com" })
      .createSessionCookie("abc")
      .serialize();
    expect(plain).toMatch(/HttpOnly/);
    expect(plain).toMatch(/SameSite=Lax/);
    expect(plain).not.toMatch(/Secure/);
    expect(secure).toMatch(/Secure/);
  });

  it("signs the user out of every other session when the password changes", async () => {
    const auth = createAuth(database.db, { appBaseUrl: "http://localhost:3000" });
    const email = newEmail();
    const user = await signUp(database.db, { email, password: "old password", name: null, ip: "10.0.0.1" });
    const current = await auth.createSession(user.id, {});
    const other = await auth.createSession(user.id, {});
    await expect(
      changePassword(database.db, {
        userId: user.id,
        currentPassword: "not it",
        newPassword: "new password",
        ip: "10.0.0.1",
      }),
    ).rejects.toBeInstanceOf(InvalidCredentials);
    await changePassword(database.db, {
      userId: user.id,
      currentPassword: "old password",
      newPassword: "new password",
      keepSessionId: current.id,
      ip: "10.0.0.1",
    });
    expect((await auth.validateSession(other.id)).session).toBeNull();
    expect((await auth.validateSession(current.id)).session).not.toBeNull();
    await expect(attempt(email, "old password")).rejects.toBeInstanceOf(InvalidCredentials);
    await expect(attempt(email, "new password")).resolves.toBeTruthy();
  });
});
