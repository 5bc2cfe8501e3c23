// The pipeline as it is deployed: two web processes behind a load balancer and two worker
// processes, all separate OS processes sharing one PostgreSQL, under real Stripe activity
// with duplicate and reordered deliveries. Meanwhile a worker is killed with SIGKILL in the
// middle of a job (and replaced, as a supervisor would), the database is frozen for longer
// than the app's query timeouts, and Stripe rate-limits one customer's sync reads and fails
// another's for a while. Once the retries settle, our rows must equal Stripe's and every
// event must be applied exactly once.
// CHAOS_SIZE=full (pnpm test:chaos) runs it larger.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { EmulatorControlClient, RunningEmulator } from "@saas/stripe-emulator";
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobLogLine } from "../../src/jobs/tasks.ts";
import { listEvents as listLogged, retryEvents } from "../../src/events/event-log.ts";
import type { WebhookLogLine } from "../../src/webhooks/handle-stripe-webhook.ts";
import { convergenceViolations, CONVERGED, listEvents, summarizeDeliveries } from "./oracles.ts";
import type { RestartableDatabase } from "./restartable-database.ts";
import { startStandaloneStack, type StandaloneStack } from "./standalone-stack.ts";
import { until, untilQueueSettled } from "./webhook-receiver.ts";
import { driveActivity } from "./workload.ts";

const SIZE =
  process.env.CHAOS_SIZE === "full"
    ? { events: 600, customers: 40, lanes: 4 }
    : { events: 120, customers: 6, lanes: 3 };
const SEED = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
/** Long enough in all to outlast the database's freeze and Stripe's failures. */
const RETRY_SCHEDULE_MS = [200, 400, 800, 1_500, 2_500, 3_000, 4_000, 4_000, 4_000, 4_000];
/** Well past the app's query timeout (6 s): requests in flight fail, not just wait. */
const STALL_MS = 12_000;
const here = path.dirname(fileURLToPath(import.meta.url));

type Line =
  | ({ kind: "webhook" } & WebhookLogLine)
  | ({ kind: "job" } & JobLogLine)
  | { kind: "ready"; url?: string; pools?: string[] };
type Child = { child: ChildProcess; lines: Line[]; ready: Extract<Line, { kind: "ready" }>; exited: Promise<void> };

let stack: StandaloneStack;
let pg: RestartableDatabase;
let emulator: RunningEmulator;
let control: EmulatorControlClient;
let stripe: Stripe;
let prices: string[];
let balancer: Server;
let endpointId: string;
const web: Child[] = [];
const workers: Child[] = [];
const killed: Child[] = [];
const eventsBefore = new Set<string>();

function startChild(script: string, args: string[]): Promise<Child> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(here, "processes", script), ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines: Line[] = [];
  let buffered = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const complete = buffered.split("\n");
      buffered = complete.pop() ?? "";
      for (const text of complete) {
        if (!text.startsWith("{")) continue;
        const line = JSON.parse(text) as Line;
        lines.push(line);
        if (line.kind === "ready") resolve({ child, lines, ready: line, exited });
      }
    });
    void exited.then(() => reject(new Error(`${script} exited before it was ready`)));
  });
}

/** Round-robin over the live web processes, as a load balancer would. */
function startBalancer(): Promise<Server> {
  let next = 0;
  const server = createServer((req, res) => {
    const targets = web.filter((w) => w.child.exitCode === null);
    const target = new URL(targets[next++ % targets.length]?.ready.url ?? "http://127.0.0.1:1");
    const upstream = request(
      { host: target.hostname, port: target.port, path: target.pathname, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

const webLines = () =>
  web.flatMap((w) => w.lines).filter((l): l is Extract<Line, { kind: "webhook" }> => l.kind === "webhook");
const jobLines = () =>
  [...workers, ...killed].flatMap((w) => w.lines).filter((l): l is Extract<Line, { kind: "job" }> => l.kind === "job");

beforeAll(async () => {
  stack = await startStandaloneStack({ webhookRetryScheduleMs: RETRY_SCHEDULE_MS });
  ({ pg, emulator, control, stripe, prices } = stack);
  for (const event of await listEvents(stripe)) eventsBefore.add(event.id);

  balancer = await startBalancer();
  const registered = await stripe.webhookEndpoints.create({
    url: `http://127.0.0.1:${(balancer.address() as AddressInfo).port}/api/webhooks/stripe`,
    enabled_events: ["*"],
  });
  endpointId = registered.id;
  const args = [pg.url, emulator.url];
  web.push(...(await Promise.all([0, 1].map(() => startChild("web-process.ts", [...args, registered.secret ?? ""])))));
  workers.push(...(await Promise.all([0, 1].map(() => startChild("worker-process.ts", args)))));
  await control.setChaos({ duplicateProbability: 0.2, reorderWindowMs: 300, maxDelayMs: 100 });
}, 120_000);

afterAll(async () => {
  for (const { child } of [...web, ...workers]) child.kill("SIGTERM");
  await Promise.all([...web, ...workers].map((c) => c.exited));
  await new Promise((resolve) => balancer?.close(resolve));
  await stack?.close();
});

/** A customer of the run's, mapped in the app's database. */
async function someCustomer(nth = 0): Promise<string> {
  const account = await pg.db.account.findFirst({
    where: { stripeCustomerId: { not: null } },
    orderBy: { id: "asc" },
    skip: nth,
  });
  if (!account?.stripeCustomerId) throw new Error("no customer yet");
  return account.stripeCustomerId;
}

/** SIGKILLs the first worker while it holds a job, and starts a replacement. */
async function killAWorkerMidJob(): Promise<void> {
  const victim = workers[0];
  if (!victim) throw new Error("no worker to kill");
  const pools = victim.ready.pools ?? [];
  let lockedByVictim = false;
  for (const started = Date.now(); !lockedByVictim && Date.now() - started < 120_000;) {
    const [row] = await pg.db.$queryRaw<Array<{ n: number }>>`
      SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE locked_by = ANY(${pools}::text[])`;
    lockedByVictim = (row?.n ?? 0) > 0;
    if (!lockedByVictim) await new Promise((resolve) => setTimeout(resolve, 5));
  }
  if (!lockedByVictim) throw new Error("the first worker never held a job");
  victim.child.kill("SIGKILL");
  await victim.exited;
  killed.push(victim);
  workers.splice(0, 1, await startChild("worker-process.ts", [pg.url, emulator.url]));
}

const RUN = `${SIZE.events} events over ${SIZE.customers} customers, seed ${SEED}`;
describe(`separate web and worker processes (${RUN})`, () => {
  it(
    "converge through a worker killed mid-job, a frozen database, Stripe's rate limits and failing Stripe reads",
    async () => {
      const emitted = () => [...emulator.app.store.events.keys()].filter((id) => !eventsBefore.has(id)).length;
      const activity = driveActivity(pg.db, stripe, { ...SIZE, seed: SEED, prices, emitted });
      const mayhem = (async () => {
        await until(() => jobLines().length >= 5, "the first jobs", 120_000);
        await killAWorkerMidJob();
        await until(() => emitted() >= SIZE.events / 3, "a third of the events", 300_000);
        // Frozen with a delivery surely in flight: Stripe keeps emitting events meanwhile.
        const frozen = await someCustomer();
        const stall = pg.stall(STALL_MS);
        await new Promise((resolve) => setTimeout(resolve, 500));
        await stripe.customers.update(frozen, { metadata: { frozen: "yes" } });
        await stall;
      })();
      const [{ customers }] = await Promise.all([activity, mayhem]);
      // Stripe rate-limits another customer's sync reads for a while: its job backs off, no attempt spent.
      const limited = await someCustomer(1);
      await control.addFault({
        path: "/v1/subscriptions*",
        method: "GET",
        mode: "rate_limit",
        count: 8,
        match: limited,
      });
      await stripe.customers.update(limited, { metadata: { limited: "yes" } });
      await until(() => jobLines().some((line) => line.backedOff && line.customer === limited), "a backed-off sync");
      // Stripe fails a customer's sync reads, and an operator replays that customer's events.
      const failing = await someCustomer(2);
      await control.addFault({ path: "/v1/subscriptions*", method: "GET", count: 1_000, match: failing });
      await retryEvents(pg.db, { ids: (await listLogged(pg.db, { customerId: failing, limit: 5 })).map((e) => e.id) });
      await until(() => jobLines().some((line) => !line.ok && line.customer === failing), "a failed sync", 60_000);
      expect(await control.waitForDeliveries(SIZE.events * 400)).toBe(true);
      await control.clearFaults();
      // Jobs that failed wait out their back-off (seconds at first): let them come due.
      await pg.db.$executeRaw`UPDATE graphile_worker._private_jobs SET run_at = now() WHERE attempts > 0`;
      await untilQueueSettled(pg.db, 180_000);

      const events = (await listEvents(stripe)).filter((event) => !eventsBefore.has(event.id));
      const records = await control.deliveries({ endpoint: endpointId });
      const summary = summarizeDeliveries(records, events);
      const lines = webLines();
      const jobs = jobLines();
      console.info(
        JSON.stringify({
          seed: SEED,
          emitted: events.length,
          ...summary,
          answers: lines.length,
          answers5xx: lines.filter((line) => line.outcome === "failed").length,
          byWebProcess: web.map((w) => w.lines.filter((l) => l.kind === "webhook").length),
          jobRuns: jobs.length,
          failedJobRuns: jobs.filter((line) => !line.ok).length,
          backedOffJobRuns: jobs.filter((line) => line.backedOff).length,
          killedWorkerJobRuns: killed.flatMap((w) => w.lines).filter((l) => l.kind === "job").length,
        }),
      );

      expect(records.length).toBeLessThan(10_000);
      // A frozen server may commit what the app gave up on: its row and job, together (see the oracle).
      const customerIds = customers.map((c) => c.customerId);
      expect
        .soft(
          await convergenceViolations({ db: pg.db, stripe, records, summary, lines, customerIds, lateCommits: true }),
        )
        .toEqual(CONVERGED);
      // Nothing is left locked by the killed worker, and no worker is listed that is not alive.
      expect.soft(await pg.db.$queryRaw`SELECT id FROM graphile_worker.jobs WHERE locked_at IS NOT NULL`).toEqual([]);
      expect.soft(await pg.db.jobWorker.count()).toBe(workers.length);

      // The run was hostile enough to mean something.
      expect(events.length).toBeGreaterThanOrEqual(SIZE.events);
      expect(web.every((w) => w.lines.some((l) => l.kind === "webhook"))).toBe(true);
      expect(lines.some((line) => line.outcome === "failed")).toBe(true);
      expect(jobs.some((line) => !line.ok)).toBe(true);
      expect(jobs.some((line) => line.backedOff)).toBe(true);
      expect(summary.retries).toBeGreaterThan(0);
    },
    SIZE.events * 3_000,
  );
});
