// The webhook log's reads and replays from rows written by hand: each filter, the order, the
// default limit, the fields returned, and the replay's choice of rows and reasons.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { queuedJobs, startBillingHarness, type BillingHarness } from "../testing.ts";
import { countEvents, listEvents, retryEvents } from "./event-log.ts";

let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness();
});
afterAll(() => h.close());
beforeEach(async () => {
  await h.db.webhookLog.deleteMany();
  await h.db.$executeRaw`DELETE FROM graphile_worker._private_jobs`;
});

const AT = new Date("2026-12-01T10:00:00Z");
const row = (id: string, outcome: string, customer: string | null, receivedAt = AT) => ({
  id,
  type: "invoice.paid",
  outcome,
  stripeCustomerId: customer,
  stripeCreatedAt: AT,
  receivedAt,
  appliedAt: outcome === "applied" ? receivedAt : null,
  error: outcome === "failed" ? "Stripe unavailable" : null,
  payload: { id },
});

describe("listEvents", () => {
  it("lists newest first, by id among events received together, without payloads", async () => {
    const later = new Date(AT.getTime() + 1_000);
    await h.db.webhookLog.createMany({
      data: [row("evt_a", "applied", "cus_1"), row("evt_b", "failed", "cus_1"), row("evt_c", "queued", null, later)],
    });
    expect(await listEvents(h.db)).toEqual([
      {
        id: "evt_c",
        type: "invoice.paid",
        customerId: null,
        outcome: "queued",
        receivedAt: later,
        appliedAt: null,
        error: null,
      },
      {
        id: "evt_b",
        type: "invoice.paid",
        customerId: "cus_1",
        outcome: "failed",
        receivedAt: AT,
        appliedAt: null,
        error: "Stripe unavailable",
      },
      {
        id: "evt_a",
        type: "invoice.paid",
        customerId: "cus_1",
        outcome: "applied",
        receivedAt: AT,
        appliedAt: AT,
        error: null,
      },
    ]);
  });

  it("filters by outcome and by customer, and lists 50 unless told otherwise", async () => {
    await h.db.webhookLog.createMany({
      data: [
        ...Array.from({ length: 52 }, (_, i) => row(`evt_many_${String(i).padStart(2, "0")}`, "applied", "cus_many")),
        row("evt_other_failed", "failed", "cus_other"),
        row("evt_many_failed", "failed", "cus_many"),
      ],
    });
    expect(await listEvents(h.db)).toHaveLength(50);
    expect(await listEvents(h.db, { limit: 60 })).toHaveLength(54);
    const ids = async (filter: Parameters<typeof listEvents>[1]) => (await listEvents(h.db, filter)).map((e) => e.id);
    expect(await ids({ outcome: "failed" })).toEqual(["evt_other_failed", "evt_many_failed"]);
    expect(await ids({ customerId: "cus_other" })).toEqual(["evt_other_failed"]);
    expect(await ids({ outcome: "failed", customerId: "cus_many" })).toEqual(["evt_many_failed"]);
  });
});

describe("countEvents", () => {
  it("counts the four outcomes, for everyone or one customer, and leaves out any other", async () => {
    await h.db.webhookLog.createMany({
      data: [
        row("evt_1", "applied", "cus_1"),
        row("evt_2", "applied", "cus_2"),
        row("evt_3", "failed", "cus_1"),
        row("evt_4", "ignored", null),
        row("evt_5", "queued", "cus_2"),
        row("evt_6", "mislabelled", "cus_1"),
      ],
    });
    expect(await countEvents(h.db)).toEqual({ queued: 1, applied: 2, failed: 1, ignored: 1 });
    expect(await countEvents(h.db, { customerId: "cus_1" })).toEqual({ queued: 0, applied: 1, failed: 1, ignored: 0 });
  });
});

describe("retryEvents", () => {
  it("requeues the failed events of every customer, or of the one named, with one job each", async () => {
    await h.db.webhookLog.createMany({
      data: [
        row("evt_f1", "failed", "cus_1"),
        row("evt_f2", "failed", "cus_1"),
        row("evt_f3", "failed", "cus_2"),
        row("evt_ok", "applied", "cus_2"),
      ],
    });
    expect(await retryEvents(h.db, { failed: true, customerId: "cus_2" })).toEqual({
      requeued: ["evt_f3"],
      customers: ["cus_2"],
      refused: [],
    });
    expect(await retryEvents(h.db, { failed: true })).toEqual({
      requeued: ["evt_f1", "evt_f2"],
      customers: ["cus_1"],
      refused: [],
    });
    expect(await queuedJobs(h.db, "cus_1")).toHaveLength(1);
    const rows = await h.db.webhookLog.findMany({ orderBy: { id: "asc" }, select: { id: true, outcome: true } });
    expect(rows).toEqual([
      { id: "evt_f1", outcome: "queued" },
      { id: "evt_f2", outcome: "queued" },
      { id: "evt_f3", outcome: "queued" },
      { id: "evt_ok", outcome: "applied" },
    ]);
    const replayed = await h.db.webhookLog.findUniqueOrThrow({ where: { id: "evt_f1" } });
    expect(replayed).toMatchObject({ appliedAt: null, error: null });
  });

  it("replays an applied event named by id, clearing when it was applied", async () => {
    await h.db.webhookLog.createMany({
      data: [row("evt_done", "applied", "cus_3"), row("evt_kept", "applied", "cus_3")],
    });
    expect(await retryEvents(h.db, { ids: ["evt_done"] })).toEqual({
      requeued: ["evt_done"],
      customers: ["cus_3"],
      refused: [],
    });
    expect(await h.db.webhookLog.findUniqueOrThrow({ where: { id: "evt_done" } })).toMatchObject({
      outcome: "queued",
      appliedAt: null,
    });
    expect((await h.db.webhookLog.findUniqueOrThrow({ where: { id: "evt_kept" } })).outcome).toBe("applied");
  });

  it("requeues nothing when no id is named", async () => {
    await h.db.webhookLog.create({ data: row("evt_idle", "failed", "cus_4") });
    expect(await retryEvents(h.db, { ids: [] })).toEqual({ requeued: [], customers: [], refused: [] });
    expect((await h.db.webhookLog.findUniqueOrThrow({ where: { id: "evt_idle" } })).outcome).toBe("failed");
  });

  it("gives each refused event its own reason, also when all are of one kind", async () => {
    await h.db.webhookLog.createMany({ data: [row("evt_lone1", "applied", null), row("evt_lone2", "ignored", null)] });
    const noSync = "about no customer: it was handled when it arrived, there is no sync to run";
    expect(await retryEvents(h.db, { ids: ["evt_lone1", "evt_lone2"] })).toEqual({
      requeued: [],
      customers: [],
      refused: [
        { id: "evt_lone1", reason: noSync },
        { id: "evt_lone2", reason: noSync },
      ],
    });
    expect(await retryEvents(h.db, { ids: ["evt_unheard"] })).toEqual({
      requeued: [],
      customers: [],
      refused: [{ id: "evt_unheard", reason: "not in the webhook log" }],
    });
  });

  it("refuses an event about no customer and one it does not know, each with its reason", async () => {
    await h.db.webhookLog.create({ data: row("evt_nobody", "applied", null) });
    expect(await retryEvents(h.db, { ids: ["evt_nobody", "evt_nowhere"] })).toEqual({
      requeued: [],
      customers: [],
      refused: [
        { id: "evt_nobody", reason: "about no customer: it was handled when it arrived, there is no sync to run" },
        { id: "evt_nowhere", reason: "not in the webhook log" },
      ],
    });
  });
});
