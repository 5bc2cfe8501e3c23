import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, DatabaseUnavailable } from "./client.ts";
import { scratchDataDir, startEmbeddedPostgres, type EmbeddedDatabase } from "./embedded-postgres.ts";
import { createSubscription, createUser } from "./factories.ts";
import { isUniqueViolation } from "./index.ts";
import { createTestDatabase, holdConnection, type TestDatabase } from "./testing/index.ts";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

describe("client and factories", () => {
  it("creates a user with its account, and a subscription on that account", async () => {
    const user = await createUser(database.db, { email: "factory@example.com", stripeCustomerId: "cus_factory" });
    const subscription = await createSubscription(database.db, user.account, { status: "past_due" });
    const stored = await database.db.account.findUniqueOrThrow({
      where: { organizationId: user.organization.id },
      include: { subscriptions: true },
    });
    expect(stored.stripeCustomerId).toBe("cus_factory");
    expect(stored.subscriptions.map((s) => [s.id, s.status, s.stripeCustomerId])).toEqual([
      [subscription.id, "past_due", "cus_factory"],
    ]);
  });

  it("lets exactly one of many concurrent inserts of the same webhook event win", async () => {
    const attempts = await Promise.allSettled(
      Array.from({ length: 30 }, () =>
        database.db.webhookLog.create({
          data: { id: "evt_same", type: "invoice.paid", outcome: "applied", stripeCreatedAt: new Date() },
        }),
      ),
    );
    const rejected = attempts.filter((a) => a.status === "rejected");
    expect(attempts.filter((a) => a.status === "fulfilled")).toHaveLength(1);
    expect(rejected.every((a) => isUniqueViolation(a.reason))).toBe(true);
    expect(await database.db.webhookLog.count({ where: { id: "evt_same" } })).toBe(1);
  });

  it("does not mistake other errors for duplicates", async () => {
    const error = await database.db.account.create({ data: { organizationId: "no-such-organization" } }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).not.toBeNull();
    expect(isUniqueViolation(error)).toBe(false);
  });
});

/** How a call ended, giving up on it after `ms` so that a hang fails the test instead of timing it out. */
function outcome(call: Promise<unknown>, ms = 15_000): Promise<string> {
  const settled = call.then(
    () => "answered",
    (error: unknown) =>
      error instanceof DatabaseUnavailable ? "DatabaseUnavailable" : `other error: ${String(error)}`,
  );
  return Promise.race([
    settled,
    new Promise<string>((resolve) => setTimeout(() => resolve(`no answer after ${ms} ms`), ms).unref()),
  ]);
}

/** Stops (SIGSTOP) or resumes (SIGCONT) a server and every backend process it has forked. */
function signalServer(server: EmbeddedDatabase, signal: "SIGSTOP" | "SIGCONT"): void {
  const postmaster = Number(readFileSync(path.join(server.dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
  const children = execFileSync("pgrep", ["-P", String(postmaster)], { encoding: "utf8" })
    .split("\n")
    .filter(Boolean)
    .map(Number);
  for (const pid of [postmaster, ...children]) process.kill(pid, signal);
}

describe("when PostgreSQL does not answer in time", () => {
  it("fails a query with DatabaseUnavailable while every connection is busy; serves it once one is free", async () => {
    const db = createDb(database.url, { max: 1, connectionTimeoutMs: 1_500 });
    try {
      const release = await holdConnection(db);
      const waiting = await outcome(db.$queryRaw`SELECT 1`, 10_000);
      const inTransaction = await outcome(
        db.$transaction((tx) => tx.user.count()),
        10_000,
      );
      await release();
      expect({ waiting, inTransaction }).toEqual({
        waiting: "DatabaseUnavailable",
        inTransaction: "DatabaseUnavailable",
      });
      expect(await db.$queryRaw`SELECT 1 AS one`).toEqual([{ one: 1 }]);
    } finally {
      await db.$disconnect();
    }
  });

  it("has the server cancel a statement that runs too long, and keeps the connection usable", async () => {
    const db = createDb(database.url, { max: 1, statementTimeoutMs: 300 });
    try {
      expect(await outcome(db.$queryRaw`SELECT 1 AS one FROM pg_sleep(3)`)).toBe("DatabaseUnavailable");
      expect(await db.$queryRaw`SELECT 1 AS one`).toEqual([{ one: 1 }]);
    } finally {
      await db.$disconnect();
    }
  });

  it("fails fast with the default settings while the server is stalled, and recovers once it resumes", async () => {
    const server = await startEmbeddedPostgres({
      dataDir: await scratchDataDir("saas-stall-pg-"),
      persistent: false,
      unsafeFast: true,
    });
    const db = createDb(server.url, { max: 2 });
    try {
      await db.$queryRaw`SELECT 1`;
      signalServer(server, "SIGSTOP");
      const started = Date.now();
      // One query on the pooled connection (no answer), one transaction that needs a new connection.
      const outcomes = await Promise.all([
        outcome(db.$queryRaw`SELECT 1`),
        outcome(db.$transaction((tx) => tx.$queryRaw`SELECT 1`)),
      ]);
      const elapsed = Date.now() - started;
      signalServer(server, "SIGCONT");
      expect(outcomes).toEqual(["DatabaseUnavailable", "DatabaseUnavailable"]);
      // The promise is "a few seconds": well under the 20 s a stall used to hang a page.
      expect(elapsed).toBeLessThan(10_000);
      expect(await db.$queryRaw`SELECT 1 AS one`).toEqual([{ one: 1 }]);
      expect(await db.$transaction((tx) => tx.$queryRaw`SELECT 2 AS two`)).toEqual([{ two: 2 }]);
    } finally {
      signalServer(server, "SIGCONT");
      await db.$disconnect();
      await server.stop();
    }
  }, 60_000);
});

/** Blocks the event loop, as a busy process does: whatever the server sends meanwhile is read in one go. */
function busyFor(ms: number): void {
  for (const until = Date.now() + ms; Date.now() < until;);
}

describe("when PostgreSQL ends a connection", () => {
  it("survives a connection ended just as the pool hands it from a query to a waiting transaction", async () => {
    const db = createDb(database.url, { max: 1 });
    const admin = new pg.Client({ connectionString: database.url });
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.on("uncaughtException", record);
    try {
      await admin.connect();
      const [backend] = await db.$queryRaw<Array<{ pid: number }>>`SELECT pg_backend_pid() AS pid`;
      // The pool's one connection runs a query while a transaction waits for it.
      const query = outcome(db.$queryRaw`SELECT 1 AS one FROM pg_sleep(0.3)`);
      const transaction = outcome(db.$transaction((tx) => tx.$queryRaw`SELECT 1 AS one`));
      for (let running = false; !running;) {
        const { rows } = await admin.query<{ query: string }>(
          "SELECT query FROM pg_stat_activity WHERE pid = $1 AND state = 'active'",
          [backend?.pid],
        );
        running = rows.some((row) => row.query.includes("pg_sleep"));
      }
      // Just after that query answers, the server ends the connection ("terminating connection
      // due to administrator command", 57P01, as on a shutdown or restart); busy meanwhile, the
      // client reads the answer and the termination in one chunk.
      void admin.query("SELECT pg_sleep(0.35), pg_terminate_backend($1)", [backend?.pid]).catch(() => {});
      busyFor(600);

      expect(await query).toBe("answered");
      expect(await transaction).toBe("DatabaseUnavailable");
      expect(uncaught).toEqual([]);
      expect(await db.$queryRaw`SELECT 1 AS one`).toEqual([{ one: 1 }]);
    } finally {
      process.off("uncaughtException", record);
      await admin.end();
      await db.$disconnect();
    }
  });
});
