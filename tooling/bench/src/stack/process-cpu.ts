// CPU time of the processes under test, read from /proc: who used the two cores while
// a phase ran. A process group is a root pid plus, optionally, its live children and
// the children it has already reaped (PostgreSQL forks one backend per connection).
import { readdirSync, readFileSync } from "node:fs";

const TICKS_PER_SECOND = 100; // USER_HZ; `getconf CLK_TCK` is 100 on every Linux we run on

type Stat = { ppid: number; utime: number; stime: number; cutime: number; cstime: number };

function readStat(pid: number): Stat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is parenthesised and may contain spaces: fields start after the last ")".
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    const field = (n: number) => Number(fields[n - 3]);
    return { ppid: field(4), utime: field(14), stime: field(15), cutime: field(16), cstime: field(17) };
  } catch {
    return null; // exited meanwhile
  }
}

function childrenOf(parent: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    if (readStat(Number(entry))?.ppid === parent) pids.push(Number(entry));
  }
  return pids;
}

/** CPU seconds used so far by a process (and its children, when asked). */
export function cpuSeconds(pid: number, withChildren: boolean): number {
  const root = readStat(pid);
  if (!root) return 0;
  let ticks = root.utime + root.stime;
  if (withChildren) {
    ticks += root.cutime + root.cstime;
    for (const child of childrenOf(pid)) {
      const stat = readStat(child);
      if (stat) ticks += stat.utime + stat.stime;
    }
  }
  return ticks / TICKS_PER_SECOND;
}

/** Busy and total CPU seconds of the whole machine, all cores: others' load shows here too. */
function machineSeconds(): { busy: number; total: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  const total = values.reduce((sum, value) => sum + value, 0);
  return { busy: (total - idle) / TICKS_PER_SECOND, total: total / TICKS_PER_SECOND };
}

export type CpuGroup = { name: string; read(): number };

export type CpuUsage = Record<string, number> & { machine: number; other: number };

/**
 * Starts a measurement; the returned function gives each group's share of one core over
 * the elapsed time (1.0 = one core busy), plus the machine's and everyone else's.
 */
export function startCpu(groups: CpuGroup[]): () => CpuUsage {
  const started = performance.now();
  const before = groups.map((group) => group.read());
  const machineBefore = machineSeconds();
  return () => {
    const wall = (performance.now() - started) / 1000;
    const usage: Record<string, number> = {};
    let ours = 0;
    groups.forEach((group, index) => {
      const used = group.read() - (before[index] ?? 0);
      ours += used;
      usage[group.name] = used / wall;
    });
    const machine = machineSeconds().busy - machineBefore.busy;
    return { ...usage, machine: machine / wall, other: Math.max(0, machine - ours) / wall };
  };
}

/** The bench process itself: the load generator (and nothing else, by design). */
export const selfGroup: CpuGroup = {
  name: "bench",
  read: () => (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
};
