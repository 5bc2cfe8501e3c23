// Queued in a transaction, sent after it commits, once per cause, retried while SMTP is down.
import { createUser } from "@saas/db/factories";
import { createTestDatabase, type TestDatabase } from "@saas/db/testing";
import { Logger, runOnce } from "graphile-worker";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { memoryInbox } from "../inbox/inbox-store.ts";
import { startSmtpInbox, type SmtpInbox } from "../inbox/smtp-inbox.ts";
import { emailsTo } from "../testing.ts";
import { createMailTransport } from "../transport.ts";
import { cancelQueuedEmail, enqueueEmail } from "./queue.ts";
import { mailTasks } from "./tasks.ts";

const store = memoryInbox();
let database: TestDatabase;
let inbox: SmtpInbox;
const config = { appBaseUrl: "https://app.example.com", from: "Acme SaaS <billing@example.com>" };
const silent = new Logger(() => () => {});
const failed = { amountDue: 2900, currency: "usd", nextPaymentAttempt: null, planName: "Pro" };

beforeAll(async () => {
  database = await createTestDatabase();
  inbox = await startSmtpInbox({ store });
});
afterAll(async () => {
  await inbox.stop();
  await database.drop();
});
beforeEach(() => store.clear());

/** Runs every due job as the worker would, sending to `smtpUrl`. */
async function drain(smtpUrl = inbox.url) {
  const transport = createMailTransport(smtpUrl);
  try {
    await runOnce({
      connectionString: database.url,
      taskList: mailTasks({ db: database.db, transport, config }),
      logger: silent,
    });
  } finally {
    transport.close();
  }
}

const retryNow = () => database.db.$executeRaw`UPDATE graphile_worker._private_jobs SET run_at = now()`;

describe("the send job", () => {
  it("sends what a committed transaction queued, once, however often the cause repeats", async () => {
    const user = await createUser(database.db);
    const key = `payment_failed:in_${user.id}`;
    const queued = await database.db.$transaction(async (tx) => [
      await enqueueEmail(tx, { key, kind: "payment_failed", userId: user.id, data: failed }),
      await enqueueEmail(tx, { key, kind: "payment_failed", userId: user.id, data: failed }),
    ]);
    expect(queued).toEqual([true, false]);
    await drain();
    // The same cause again later (a replayed event): nothing new is queued or sent.
    await database.db.$transaction((tx) =>
      enqueueEmail(tx, { key, kind: "payment_failed", userId: user.id, data: failed }),
    );
    await drain();

    const received = emailsTo(store, user.email);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      subject: "Your payment of $29.00 failed",
      from: `"Acme SaaS" <billing@example.com>`,
    });
    expect(received[0]?.text).toContain("We couldn't charge $29.00");
    // No raw Stripe id or key in what the user reads.
    expect(received[0]?.html).not.toContain("in_");
    const row = await database.db.emailLog.findUniqueOrThrow({ where: { key } });
    expect(row).toMatchObject({ status: "sent", recipient: user.email, attempts: 1, error: null });
    expect(row.messageId).toBe(received[0]?.messageId);
  });

  it("a rolled-back transaction queues and sends nothing", async () => {
    const user = await createUser(database.db);
    const key = `payment_failed:rolled-back-${user.id}`;
    await expect(
      database.db.$transaction(async (tx) => {
        await enqueueEmail(tx, { key, kind: "payment_failed", userId: user.id, data: failed });
        throw new Error("the cause failed");
      }),
    ).rejects.toThrow("the cause failed");
    await drain();
    expect(await database.db.emailLog.count({ where: { key } })).toBe(0);
    expect(emailsTo(store, user.email)).toEqual([]);
  });

  it("SMTP down: the attempt fails and is recorded; the retry sends it once SMTP answers", async () => {
    const user = await createUser(database.db);
    const key = `payment_recovered:in_${user.id}`;
    await database.db.$transaction((tx) =>
      enqueueEmail(tx, {
        key,
        kind: "payment_recovered",
        userId: user.id,
        data: { amountPaid: 2900, currency: "usd" },
      }),
    );
    const down = await startSmtpInbox({ store: memoryInbox() });
    await down.stop();
    await drain(down.url);
    const waiting = await database.db.emailLog.findUniqueOrThrow({ where: { key } });
    expect(waiting).toMatchObject({ status: "queued", attempts: 1 });
    expect(waiting.error).toMatch(/ECONNREFUSED/);
    expect(emailsTo(store, user.email)).toEqual([]);

    await retryNow();
    await drain();
    expect(emailsTo(store, user.email).map((m) => m.subject)).toEqual(["Payment received: $29.00"]);
    expect(await database.db.emailLog.findUniqueOrThrow({ where: { key } })).toMatchObject({
      status: "sent",
      attempts: 2,
      error: null,
    });
  });

  it("an email the user turned off is skipped; payment emails have no switch", async () => {
    const user = await createUser(database.db);
    await database.db.user.update({
      where: { id: user.id },
      data: { emailTrialReminders: false, emailCancellationNotices: false },
    });
    await database.db.$transaction(async (tx) => {
      await enqueueEmail(tx, {
        key: `trial_ending:${user.id}`,
        kind: "trial_ending",
        userId: user.id,
        data: { trialEnd: 1_800_000_000, planName: "Pro" },
      });
      await enqueueEmail(tx, {
        key: `subscription_canceled:${user.id}`,
        kind: "subscription_canceled",
        userId: user.id,
        data: { endsAt: 1_800_000_000, planName: "Pro" },
      });
      await enqueueEmail(tx, {
        key: `payment_failed:${user.id}`,
        kind: "payment_failed",
        userId: user.id,
        data: failed,
      });
    });
    await drain();
    expect(emailsTo(store, user.email).map((m) => m.subject)).toEqual(["Your payment of $29.00 failed"]);
    const rows = await database.db.emailLog.findMany({ where: { userId: user.id }, orderBy: { key: "asc" } });
    expect(rows.map((r) => [r.kind, r.status])).toEqual([
      ["payment_failed", "sent"],
      ["subscription_canceled", "skipped"],
      ["trial_ending", "skipped"],
    ]);
  });

  it("goes to the user's current address", async () => {
    const user = await createUser(database.db);
    await database.db.$transaction((tx) =>
      enqueueEmail(tx, {
        key: `payment_failed:moved-${user.id}`,
        kind: "payment_failed",
        userId: user.id,
        data: failed,
      }),
    );
    const moved = `moved-${user.email}`;
    await database.db.user.update({ where: { id: user.id }, data: { email: moved } });
    await drain();
    expect(emailsTo(store, user.email)).toEqual([]);
    expect(emailsTo(store, moved)).toHaveLength(1);
  });

  it("an invitee's email goes to the queued address, the link from its job; email_log never has it", async () => {
    const to = `invitee-${Date.now()}@example.org`;
    const token = "t0ken-that-only-the-job-and-the-email-carry";
    const key = `invitation:inv_${Date.now()}:1`;
    const data = {
      organizationName: "Acme Robotics",
      inviterName: "Ada",
      role: "member" as const,
      expiresAt: 1_800_000_000,
    };
    await database.db.$transaction((tx) => enqueueEmail(tx, { key, kind: "invitation", to, data, secret: { token } }));
    const logged = await database.db.emailLog.findUniqueOrThrow({ where: { key } });
    expect(JSON.stringify(logged)).not.toContain(token);
    await drain();

    const [received, ...more] = emailsTo(store, to);
    expect(more).toEqual([]);
    expect(received?.subject).toBe("Ada invited you to join Acme Robotics");
    expect(received?.text).toContain(`https://app.example.com/invitations/${token}`);
    expect(await database.db.emailLog.findUniqueOrThrow({ where: { key } })).toMatchObject({
      status: "sent",
      recipient: to,
      userId: null,
    });
    // The job, the only other holder of the token, is gone.
    const jobs = await database.db.$queryRaw<
      unknown[]
    >`SELECT 1 FROM graphile_worker.jobs WHERE key = ${`email:${key}`}`;
    expect(jobs).toEqual([]);
  });

  it("a cancelled email is never sent, and its row says why", async () => {
    const to = `cancelled-${Date.now()}@example.org`;
    const key = `invitation:inv_cancelled_${Date.now()}:1`;
    const data = { organizationName: "Acme", inviterName: "Ada", role: "admin" as const, expiresAt: 1_800_000_000 };
    await database.db.$transaction(async (tx) => {
      await enqueueEmail(tx, { key, kind: "invitation", to, data, secret: { token: "a-token-long-enough-to-pass" } });
    });
    await database.db.$transaction((tx) => cancelQueuedEmail(tx, key, "the invitation was revoked"));
    await drain();
    expect(emailsTo(store, to)).toEqual([]);
    expect(await database.db.emailLog.findUniqueOrThrow({ where: { key } })).toMatchObject({
      status: "skipped",
      error: "the invitation was revoked",
    });
  });
});
