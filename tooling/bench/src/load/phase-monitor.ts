// What the database's connections were doing while a phase ran, sampled from
// pg_stat_activity, plus the CPU each process used. Averages are "connections in that
// state at a random instant": the queue in front of whatever limits throughput.
import pg from "pg";
import { startCpu, type CpuGroup, type CpuUsage } from "../stack/process-cpu.ts";

const WAIT_CATEGORIES = ["running", "customerLock", "rowLock", "wal", "otherWait", "idleInTx", "idle"] as const;
type WaitCategory = (typeof WAIT_CATEGORIES)[number];
type WaitProfile = {
  samples: number;
  avg: Record<WaitCategory, number>;
  /** The most connections seen in each state in any one sample. */
  max: Record<WaitCategory, number>;
  /**
   * The oldest transaction seen idle (waiting for the app), in ms: a short write transaction
   * shows for a moment between its statements; one held open across a Stripe call stays at
   * least as long as Stripe takes to answer (run with --stripe-latency to make that plain).
   */
  idleInTxOldestMs: number;
  /** What the idle-in-transaction connections ran last (the statement before the wait), most seen first. */
  idleInTxQueries: Array<{ query: string; avg: number }>;
  samplesWithLockWait: number;
  top: Array<{ wait: string; avg: number }>;
};
export type PhaseUsage = { cpu: CpuUsage; waits: WaitProfile };

type Row = {
  state: string | null;
  wait_event_type: string | null;
  wait_event: string | null;
  n: number;
  age_ms: number | null;
  last_query: string | null;
};

function categorize(row: Row): WaitCategory {
  if (row.state === "idle") return "idle";
  if (row.state?.startsWith("idle in transaction")) return "idleInTx";
  if (row.wait_event_type === "Lock") return row.wait_event === "advisory" ? "customerLock" : "rowLock";
  if (
    row.wait_event === "WalSync" ||
    row.wait_event === "WALWrite" ||
    row.wait_event === "WALInsert" ||
    row.wait_event === "WalWrite"
  )
    return "wal";
  // Running on CPU, or a Client wait while a result is being sent: the backend is working.
  if (!row.wait_event_type || row.wait_event_type === "Client") return "running";
  return "otherWait";
}

export async function startMonitor(
  databaseUrl: string,
  groups: CpuGroup[],
  intervalMs = 100,
): Promise<{ stop(): Promise<PhaseUsage> }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  // A server that goes away mid-phase fails the phase's requests; the monitor just stops.
  let lost = false;
  client.on("error", () => {
    lost = true;
  });
  await client.connect();
  const zeros = () => Object.fromEntries(WAIT_CATEGORIES.map((c) => [c, 0])) as Record<WaitCategory, number>;
  const totals = zeros();
  const max = zeros();
  const byWait = new Map<string, number>();
  let samples = 0;
  let samplesWithLockWait = 0;
  let idleInTxOldestMs = 0;
  const idleQueries = new Map<string, number>();
  let busy = false;
  const sample = async () => {
    if (busy || lost) return; // never pile up samples on a saturated server
    busy = true;
    try {
      const { rows } = await client.query<Row>(
        `SELECT state, wait_event_type, wait_event, count(*)::int AS n,
           max(extract(epoch FROM clock_timestamp() - xact_start) * 1000)::float8 AS age_ms,
           CASE WHEN state LIKE 'idle in transaction%' THEN left(regexp_replace(query, '\\s+', ' ', 'g'), 90) END
             AS last_query
         FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
         GROUP BY 1, 2, 3, 6`,
      );
      samples++;
      let lockWait = false;
      const now = zeros();
      for (const row of rows) {
        const category = categorize(row);
        totals[category] += row.n;
        now[category] += row.n;
        if (category === "idleInTx") {
          idleInTxOldestMs = Math.max(idleInTxOldestMs, row.age_ms ?? 0);
          const query = row.last_query ?? "?";
          idleQueries.set(query, (idleQueries.get(query) ?? 0) + row.n);
        }
        if (category === "customerLock" || category === "rowLock") lockWait = true;
        if (row.wait_event_type && row.state === "active") {
          const key = `${row.wait_event_type}:${row.wait_event}`;
          byWait.set(key, (byWait.get(key) ?? 0) + row.n);
        }
      }
      for (const category of WAIT_CATEGORIES) max[category] = Math.max(max[category], now[category]);
      if (lockWait) samplesWithLockWait++;
    } finally {
      busy = false;
    }
  };
  const cpu = startCpu(groups);
  const timer = setInterval(() => void sample().catch(() => {}), intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      const usage = cpu();
      while (busy) await new Promise((resolve) => setTimeout(resolve, 5));
      if (!lost) await client.end().catch(() => {});
      const per = (n: number) => (samples ? n / samples : 0);
      const avg = Object.fromEntries(WAIT_CATEGORIES.map((c) => [c, per(totals[c])])) as Record<WaitCategory, number>;
      const top = [...byWait.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 4)
        .map(([wait, n]) => ({ wait, avg: per(n) }));
      const idleInTxQueries = [...idleQueries.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([query, n]) => ({ query, avg: per(n) }));
      return { cpu: usage, waits: { samples, avg, max, idleInTxOldestMs, idleInTxQueries, samplesWithLockWait, top } };
    },
  };
}
