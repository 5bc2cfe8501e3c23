import { createUser } from "@saas/db/factories";
import { createTestDatabase, type TestDatabase } from "@saas/db/testing";
import { makeWorkerUtils, type WorkerUtils } from "graphile-worker";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runHousekeeping } from "./housekeeping.ts";

let database: TestDatabase;
let utils: WorkerUtils;
beforeAll(async () => {
  database = await createTestDatabase();
  utils = await makeWorkerUtils({ connectionString: database.url });
});
afterAll(async () => {
  await utils?.release();
  await database?.drop();
});

const DAY_MS = 24 * 60 * 60 * 1000;

it("deletes what is past its retention and keeps the rest", async () => {
  const { db } = database;
  const now = new Date();
  const ago = (days: number) => new Date(now.getTime() - days * DAY_MS);
  const user = await createUser(db);
  await db.session.createMany({
    data: [
      { id: "expired", userId: user.id, expiresAt: ago(1) },
      { id: "live", userId: user.id, expiresAt: ago(-1) },
    ],
  });
  await db.loginAttempt.createMany({
    data: [
      { email: user.email, ip: "10.0.0.1", createdAt: ago(31) },
      { email: user.email, ip: "10.0.0.1", createdAt: ago(1) },
    ],
  });
  const event = (id: string, days: number) => ({
    id,
    type: "invoice.paid",
    outcome: "applied",
    stripeCustomerId: "cus_housekeeping",
    stripeCreatedAt: ago(days),
    receivedAt: ago(days),
    payload: { id },
  });
  await db.webhookLog.createMany({ data: [event("evt_new", 1), event("evt_month", 31), event("evt_old", 91)] });
  const email = (key: string, status: string, days: number) => ({
    key,
    kind: "payment_failed",
    status,
    data: {},
    createdAt: ago(days),
  });
  await db.emailLog.createMany({
    data: [email("sent-old", "sent", 91), email("queued-old", "queued", 91), email("sent-new", "sent", 1)],
  });
  // Two jobs that stopped after their last attempt, a week ago and just now, and one still to run.
  for (const [key, days] of [
    ["stopped-long-ago", 8],
    ["stopped-now", 0],
  ] as const) {
    const job = await utils.addJob("billing.sync-customer", {}, { jobKey: key, queueName: `q-${key}`, maxAttempts: 1 });
    await db.$executeRaw`
      UPDATE graphile_worker._private_jobs SET attempts = 1, updated_at = ${ago(days)}::timestamptz
      WHERE id = ${job.id}::bigint`;
  }
  await utils.addJob("billing.sync-customer", {}, { jobKey: "pending", queueName: "q-pending" });
  // A per-customer queue no job uses any more.
  const spent = await utils.addJob("billing.sync-customer", {}, { queueName: "q-spent" });
  await utils.completeJobs([spent.id]);

  expect(await runHousekeeping(db, utils, now)).toEqual({
    sessionsDeleted: 1,
    loginAttemptsDeleted: 1,
    payloadsCleared: 1,
    webhookRowsDeleted: 1,
    emailRowsDeleted: 1,
    stoppedJobsDeleted: 1,
  });
  expect((await db.session.findMany()).map((session) => session.id)).toEqual(["live"]);
  expect(await db.loginAttempt.count()).toBe(1);
  const events = await db.webhookLog.findMany({ orderBy: { id: "asc" }, select: { id: true, payload: true } });
  expect(events).toEqual([
    { id: "evt_month", payload: null },
    { id: "evt_new", payload: { id: "evt_new" } },
  ]);
  const emails = await db.emailLog.findMany({ orderBy: { key: "asc" }, select: { key: true } });
  expect(emails.map((row) => row.key)).toEqual(["queued-old", "sent-new"]);
  const jobs = await db.$queryRaw<Array<{ key: string }>>`SELECT key FROM graphile_worker.jobs ORDER BY key`;
  expect(jobs.map((job) => job.key)).toEqual(["pending", "stopped-now"]);
  const queues = await db.$queryRaw<Array<{ name: string }>>`
    SELECT queue_name AS name FROM graphile_worker._private_job_queues ORDER BY queue_name`;
  expect(queues.map((queue) => queue.name)).toEqual(["q-pending", "q-stopped-now"]);
});
