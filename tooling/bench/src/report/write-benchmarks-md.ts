// Puts the run into BENCHMARKS.md between markers, keeping the one before it as the
// previous run; the hand-written analysis around the markers is left as it is.
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const LATEST = ["<!-- bench:latest:start -->", "<!-- bench:latest:end -->"] as const;
const PREVIOUS = ["<!-- bench:previous:start -->", "<!-- bench:previous:end -->"] as const;

const SKELETON = `# Benchmarks

Produced by \`pnpm --filter @saas/bench bench\` (tooling/bench). The sections between the
markers are rewritten by each run; the rest is written by hand.

${LATEST[0]}
${LATEST[1]}

${PREVIOUS[0]}
${PREVIOUS[1]}
`;

function between(text: string, [start, end]: readonly [string, string]): string | null {
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  return from === -1 || to === -1 || to < from ? null : text.slice(from + start.length, to).trim();
}

function replace(text: string, [start, end]: readonly [string, string], body: string): string {
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from === -1 || to === -1) return `${text.trimEnd()}\n\n${start}\n${body}\n${end}\n`;
  return `${text.slice(0, from + start.length)}\n${body}\n${text.slice(to)}`;
}

export function writeBenchmarksMd(file: string, report: string): void {
  const text = existsSync(file) ? readFileSync(file, "utf8") : SKELETON;
  const latest = between(text, LATEST);
  let next = text;
  if (latest) next = replace(next, PREVIOUS, latest.replace(/^## Latest run/m, "## Previous run"));
  next = replace(next, LATEST, `## Latest run\n\n${report.trim()}\n`);
  writeFileSync(file, next);
}
