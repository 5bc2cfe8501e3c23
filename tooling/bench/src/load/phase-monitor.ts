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
  samplesWithLockWait: number;
  top: Array<{ wait: string; avg: number }>;
};
export type PhaseUsage = { cpu: CpuUsage; waits: WaitProfile };

type Row = { state: string | null; wait_event_type: string | null; wait_event: string | null; n: number };

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
  const totals = Object.fromEntries(WAIT_CATEGORIES.map((c) => [c, 0])) as Record<WaitCategory, number>;
  const byWait = new Map<string, number>();
  let samples = 0;
  let samplesWithLockWait = 0;
  let busy = false;
  const sample = async () => {
    if (busy || lost) return; // never pile up samples on a saturated server
    busy = true;
    try {
      const { rows } = await client.query<Row>(
        `SELECT state, wait_event_type, wait_event, count(*)::int AS n FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
         GROUP BY 1, 2, 3`,
      );
      samples++;
      let lockWait = false;
      for (const row of rows) {
        const category = categorize(row);
        totals[category] += row.n;
        if (category === "customerLock" || category === "rowLock") lockWait = true;
        if (row.wait_event_type && row.state === "active") {
          const key = `${row.wait_event_type}:${row.wait_event}`;
          byWait.set(key, (byWait.get(key) ?? 0) + row.n);
        }
      }
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
      return { cpu: usage, waits: { samples, avg, samplesWithLockWait, top } };
    },
  };
}
