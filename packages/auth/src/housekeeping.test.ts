import { createUser } from "@saas/db/factories";
import { createTestDatabase, type TestDatabase } from "@saas/db/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { AUTH_RETENTION, pruneAuthRecords } from "./housekeeping.ts";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

const DAY_MS = 24 * 60 * 60 * 1000;

it("deletes expired sessions and login attempts past their retention, and keeps the rest", async () => {
  const { db } = database;
  const now = new Date("2026-12-02T12:00:00Z");
  const user = await createUser(db);
  await db.session.createMany({
    data: [
      { id: "expired", userId: user.id, expiresAt: new Date(now.getTime() - 1) },
      { id: "live", userId: user.id, expiresAt: new Date(now.getTime() + DAY_MS) },
    ],
  });
  const retention = AUTH_RETENTION.loginAttemptDays * DAY_MS;
  await db.loginAttempt.createMany({
    data: [
      { email: "old@example.com", ip: "10.0.0.1", createdAt: new Date(now.getTime() - retention - 1) },
      { email: "kept@example.com", ip: "10.0.0.1", createdAt: new Date(now.getTime() - retention + 60_000) },
    ],
  });

  expect(await pruneAuthRecords(db, now)).toEqual({ sessionsDeleted: 1, loginAttemptsDeleted: 1 });
  expect((await db.session.findMany({ select: { id: true } })).map((s) => s.id)).toEqual(["live"]);
  expect((await db.loginAttempt.findMany({ select: { email: true } })).map((a) => a.email)).toEqual([
    "kept@example.com",
  ]);
  expect(await pruneAuthRecords(db, now)).toEqual({ sessionsDeleted: 0, loginAttemptsDeleted: 0 });
});
