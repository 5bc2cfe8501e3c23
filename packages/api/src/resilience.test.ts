// What a user sees when a dependency stalls: PostgreSQL with no free connection answers
// SERVICE_UNAVAILABLE within seconds, and the next call works again.
import { startBillingHarness, type BillingHarness } from "@saas/billing/testing";
import { createDb } from "@saas/db/client";
import { createUser } from "@saas/db/factories";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createCaller, type Context } from "./index.ts";

let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness({ catalog: true });
});
afterAll(() => h.close());
beforeEach(() => h.control.clearFaults());

const callerFor = (user: { id: string; email: string }, deps: Partial<Context> = {}) =>
  createCaller({ db: h.db, stripe: h.stripe, config: h.config, user, ...deps });

describe("PostgreSQL without a free connection", () => {
  it("answers SERVICE_UNAVAILABLE with a message a user can read, then serves again", async () => {
    const user = await createUser(h.db);
    const db = createDb(h.database.url, { max: 1, connectionTimeoutMs: 1_000 });
    const caller = callerFor({ id: user.id, email: user.email }, { db });
    try {
      let release = () => {};
      const gate = new Promise<void>((resolve) => (release = resolve));
      let opened = () => {};
      const open = new Promise<void>((resolve) => (opened = resolve));
      const held = db.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT 1`;
        opened();
        await gate;
      }, { timeout: 30_000 });
      await open;
      const error = await caller.billing.status().then(() => null, (e: unknown) => e);
      release();
      await held;
      expect(error).toBeInstanceOf(TRPCError);
      expect(error).toMatchObject({ code: "SERVICE_UNAVAILABLE", message: "Temporarily unavailable. Please try again in a moment." });
      await expect(caller.billing.status()).resolves.toMatchObject({ hasBillingProfile: false });
    } finally {
      await db.$disconnect();
    }
  });
});
