// `pnpm billing:events` as an operator runs it: a process of its own against the app's database.
import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createTestDatabase, type TestDatabase } from "@saas/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readEventsArgs, USAGE } from "./events-args.ts";

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

/** Runs the command; its exit code, what it printed, and what it complained about. */
async function billingEvents(...args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "src/cli/events.ts", ...args],
      { cwd: packageDir, env: { ...process.env, DATABASE_URL: database.url } },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

// Each run is a process of its own: seconds each on a busy machine.
it(
  "lists the failed events with their error, retries them, and refuses an unknown one",
  { timeout: 120_000 },
  async () => {
    await database.db.webhookLog.createMany({
      data: [
        {
          id: "evt_cli_failed",
          type: "customer.subscription.updated",
          outcome: "failed",
          stripeCustomerId: "cus_cli",
          stripeCreatedAt: new Date(),
          error: "Stripe unavailable",
        },
        { id: "evt_cli_applied", type: "invoice.paid", outcome: "applied", stripeCreatedAt: new Date() },
      ],
    });

    const listed = await billingEvents("--failed");
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain("queued 0, applied 1, failed 1, ignored 0");
    expect(listed.stdout).toMatch(/evt_cli_failed\tcustomer\.subscription\.updated\tcus_cli\tfailed/);
    expect(listed.stdout).toContain("error: Stripe unavailable");
    expect(listed.stdout).not.toContain("evt_cli_applied");

    const retried = await billingEvents("retry", "--failed");
    expect(retried).toMatchObject({ code: 0 });
    expect(retried.stdout).toContain("queued 1 event again for cus_cli");
    expect(await database.db.webhookLog.findUniqueOrThrow({ where: { id: "evt_cli_failed" } })).toMatchObject({
      outcome: "queued",
      error: null,
    });
    expect((await billingEvents("--customer", "cus_cli")).stdout).toContain("queue: 1 job to run");

    const unknown = await billingEvents("retry", "evt_cli_missing");
    expect(unknown).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("evt_cli_missing: not in the webhook log") as string,
    });
  },
);

describe("readEventsArgs", () => {
  it("reads listing filters and retry selections", () => {
    expect(readEventsArgs([])).toEqual({
      command: "list",
      ids: [],
      outcome: undefined,
      customerId: undefined,
      limit: 50,
    });
    expect(readEventsArgs(["--failed", "--customer", "cus_1", "--limit", "5"])).toMatchObject({
      command: "list",
      outcome: "failed",
      customerId: "cus_1",
      limit: 5,
    });
    expect(readEventsArgs(["--outcome", "queued"])).toMatchObject({ outcome: "queued" });
    expect(readEventsArgs(["retry", "evt_1", "evt_2"])).toMatchObject({ command: "retry", ids: ["evt_1", "evt_2"] });
    expect(readEventsArgs(["retry", "--failed", "--customer", "cus_1"])).toMatchObject({
      command: "retry",
      ids: [],
      outcome: "failed",
      customerId: "cus_1",
    });
    expect(readEventsArgs(["--help"])).toBe(USAGE);
    expect(readEventsArgs(["-h"])).toBe(USAGE);
    expect(readEventsArgs(["--limit", "1"])).toMatchObject({ limit: 1 });
    expect(readEventsArgs(["retry", "evt_1MqLN2", "evt_2b"])).toMatchObject({ ids: ["evt_1MqLN2", "evt_2b"] });
    expect(readEventsArgs(["--customer", "cus_NffrFeUfNV2Hib"])).toMatchObject({ customerId: "cus_NffrFeUfNV2Hib" });
  });

  it("prints its usage", () => {
    expect(USAGE).toBe(
      [
        "Usage:",
        "  pnpm billing:events [--failed | --outcome queued|applied|failed|ignored] [--customer cus_…] [--limit 50]",
        "  pnpm billing:events retry evt_… [evt_…]",
        "  pnpm billing:events retry --failed [--customer cus_…]",
      ].join("\n"),
    );
  });

  it("refuses ids that only contain an event or customer id", () => {
    for (const id of ["xevt_1", "evt_1-2", "evt_", "evt_1 evt_2"])
      expect(readEventsArgs(["retry", id])).toBe(`retry takes Stripe event ids (evt_…), got "${id}"`);
    for (const id of ["xcus_1", "cus_1-2", "cus_"])
      expect(readEventsArgs(["--customer", id])).toBe(`--customer takes a Stripe customer id (cus_…), got "${id}"`);
  });

  it("says what is wrong with bad arguments", () => {
    expect(readEventsArgs(["retry", "not-an-event"])).toBe('retry takes Stripe event ids (evt_…), got "not-an-event"');
    expect(readEventsArgs(["--outcome", "lost"])).toBe(
      '--outcome takes one of queued, applied, failed, ignored, got "lost"',
    );
    expect(readEventsArgs(["--customer", "acme"])).toBe('--customer takes a Stripe customer id (cus_…), got "acme"');
    expect(readEventsArgs(["--limit", "0"])).toBe('--limit takes a positive whole number, got "0"');
    expect(readEventsArgs(["--limit", "2.5"])).toBe('--limit takes a positive whole number, got "2.5"');
    expect(readEventsArgs(["--verbose"])).toMatch(/^unknown option --verbose/);
    expect(readEventsArgs(["show"])).toMatch(/^unknown command "show"/);
    expect(readEventsArgs(["retry"])).toMatch(/^retry needs event ids or --failed/);
    expect(readEventsArgs(["retry", "evt_1", "--failed"])).toBe(
      "retry takes either event ids or --failed [--customer], not both",
    );
  });
});
