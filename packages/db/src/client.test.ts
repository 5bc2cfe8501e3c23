import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSubscription, createUser } from "./factories.ts";
import { isUniqueViolation } from "./index.ts";
import { createTestDatabase, type TestDatabase } from "./testing/index.ts";

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
      where: { userId: user.id },
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
    const error = await database.db.account
      .create({ data: { userId: "no-such-user" } })
      .then(() => null, (e: unknown) => e);
    expect(error).not.toBeNull();
    expect(isUniqueViolation(error)).toBe(false);
  });
});
