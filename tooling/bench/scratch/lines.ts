import { readFileSync } from "node:fs";
type N = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
const p = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as { nodes: N[]; samples: number[]; timeDeltas: number[] };
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const self = new Map<number, number>();
p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
// inclusive by function key (count each sample once per distinct key on its stack)
const incl = new Map<string, number>();
p.samples.forEach((id, i) => {
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const f = byId.get(cur)!.callFrame;
    const key = `${f.functionName || "(anon)"} ${f.url.split("/").slice(-3).join("/")}:${f.lineNumber + 1}`;
    if (!seen.has(key)) { seen.add(key); incl.set(key, (incl.get(key) ?? 0) + (p.timeDeltas[i] ?? 0)); }
  }
});
const top = [...incl.entries()].filter(([k]) => !k.startsWith("(root)") && !k.startsWith("(idle)")).sort((a, b) => b[1] - a[1]).slice(0, Number(process.argv[3] ?? 60));
for (const [k, v] of top) console.log((v / 1e6).toFixed(2).padStart(7), k);
