// Reads the server's V8 CPU profile (node --cpu-prof) and says where its CPU went: self
// time by package and the hottest functions. Enough to find a cause; open the
// .cpuprofile in Chrome DevTools for the full call tree.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

type CallFrame = { functionName: string; url: string; lineNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; hitCount?: number; children?: number[] };
type CpuProfile = { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] };

export type ProfileSummary = {
  file: string;
  seconds: number;
  byPackage: Array<[string, number]>;
  top: Array<[string, number]>;
};

/** Which package (or part of the app) a frame's script belongs to. */
function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith("(") ? functionName : "(native)";
  if (url.startsWith("node:")) return "node internals";
  const pnpm = /node_modules\/\.pnpm\/(@[^+/]+\+[^@/]+|[^@/]+)@/.exec(url);
  if (pnpm?.[1]) return pnpm[1].replace("+", "/");
  const plain = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (plain?.[1]) return plain[1];
  if (url.includes("/build/server/"))
    return "app server bundle (routes + workspace packages + generated Prisma client)";
  const workspace = /\/(apps|packages|tooling)\/([^/]+)\//.exec(url);
  return workspace ? `${workspace[1]}/${workspace[2]}` : path.basename(url);
}

export function summarizeCpuProfile(dir: string): ProfileSummary | null {
  // One profile per thread: the main thread's is the big one (the other is tsx's module-loader thread).
  const file = readdirSync(dir)
    .filter((name) => name.endsWith(".cpuprofile"))
    .sort((a, b) => statSync(path.join(dir, b)).size - statSync(path.join(dir, a)).size)[0];
  if (!file) return null;
  const profile = JSON.parse(readFileSync(path.join(dir, file), "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMicros = new Map<number, number>();
  profile.samples.forEach((id, index) =>
    selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)),
  );

  const packages = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, micros] of selfMicros) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    const pkg = packageOf(frame.url, frame.functionName);
    packages.set(pkg, (packages.get(pkg) ?? 0) + micros);
    const where = frame.url ? `${path.basename(frame.url)}:${frame.lineNumber + 1}` : "";
    const name = `${frame.functionName || "(anonymous)"} ${where} [${pkg}]`;
    functions.set(name, (functions.get(name) ?? 0) + micros);
  }
  const sorted = (map: Map<string, number>, n: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => [k, v / 1e6] as [string, number]);
  return {
    file: path.join(dir, file),
    seconds: (profile.endTime - profile.startTime) / 1e6,
    byPackage: sorted(packages, 15),
    top: sorted(functions, 25),
  };
}

export function formatProfile(summary: ProfileSummary): string {
  const busy = summary.byPackage.filter(([name]) => name !== "(idle)").reduce((sum, [, s]) => sum + s, 0);
  return [
    `### Server CPU profile`,
    ``,
    `${summary.file}: ${summary.seconds.toFixed(1)} s recorded.`,
    ``,
    `| self time by package | s | share of busy |`,
    `|---|---:|---:|`,
    ...summary.byPackage.map(
      ([name, s]) => `| ${name} | ${s.toFixed(2)} | ${name === "(idle)" ? "" : `${((s / busy) * 100).toFixed(1)} %`} |`,
    ),
    ``,
    `| hottest functions (self) | s |`,
    `|---|---:|`,
    ...summary.top.map(([name, s]) => `| ${name.replaceAll("|", "\\|")} | ${s.toFixed(2)} |`),
    ``,
  ].join("\n");
}
