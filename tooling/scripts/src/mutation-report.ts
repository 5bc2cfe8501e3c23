// The score per folder and the surviving mutants, from StrykerJS's JSON reports, as MUTATION.md
// keeps them between its markers (the explanations around them are written by hand).
import { existsSync, readFileSync, writeFileSync } from "node:fs";

/** A mutant's status in Stryker's report (mutation-testing-report-schema). */
type MutantStatus =
  "Killed" | "Survived" | "Timeout" | "NoCoverage" | "CompileError" | "RuntimeError" | "Ignored" | "Pending";

type Position = { line: number; column: number };
type Mutant = {
  status: MutantStatus;
  mutatorName?: string;
  replacement?: string;
  location?: { start: Position; end: Position };
};
export type MutationReport = { files: Record<string, { source?: string; mutants: Mutant[] }> };

export type FolderScore = {
  /** The folder (or file) relative to the repository root. */
  folder: string;
  /** Mutants that count: killed, timed out, survived or without coverage (not those tsc refused). */
  mutants: number;
  killed: number;
  survived: number;
  timeout: number;
  noCoverage: number;
  /** Mutants tsc refused: they never ran, and do not count. */
  compileErrors: number;
  /** Killed or timed out, in percent of the mutants that count (Stryker's mutation score). */
  score: number | null;
};

type Counts = Pick<FolderScore, "killed" | "survived" | "timeout" | "noCoverage" | "compileErrors">;

function scoreRow(folder: string, counts: Counts): FolderScore {
  const mutants = counts.killed + counts.survived + counts.timeout + counts.noCoverage;
  const score = mutants ? ((counts.killed + counts.timeout) / mutants) * 100 : null;
  return { folder, mutants, ...counts, score };
}

function countsOf(statuses: MutantStatus[]): Counts {
  const count = (status: MutantStatus) => statuses.filter((s) => s === status).length;
  return {
    killed: count("Killed"),
    survived: count("Survived"),
    timeout: count("Timeout"),
    noCoverage: count("NoCoverage"),
    compileErrors: count("CompileError"),
  };
}

/**
 * One row per folder of `folders` (paths relative to the package, a folder or a single file), in
 * that order; a mutated file under none of them gets a row of its own, so nothing goes unseen.
 */
export function scoreByFolder(packageDir: string, report: MutationReport, folders: string[]): FolderScore[] {
  const within = (file: string, folder: string) => file === folder || file.startsWith(`${folder}/`);
  const files = Object.entries(report.files);
  const others = files.map(([file]) => file).filter((file) => !folders.some((folder) => within(file, folder)));
  return [...folders, ...others].map((folder) => {
    const statuses = files.filter(([file]) => within(file, folder)).flatMap(([, f]) => f.mutants.map((m) => m.status));
    return scoreRow(`${packageDir}/${folder}`, countsOf(statuses));
  });
}

/** The sum of some rows, as one row named `folder`. */
export function total(folder: string, rows: FolderScore[]): FolderScore {
  const sum = (key: keyof Counts) => rows.reduce((n, row) => n + row[key], 0);
  return scoreRow(folder, {
    killed: sum("killed"),
    survived: sum("survived"),
    timeout: sum("timeout"),
    noCoverage: sum("noCoverage"),
    compileErrors: sum("compileErrors"),
  });
}

const COLUMNS: Array<{ title: string; cell: (row: FolderScore) => string; right?: boolean }> = [
  { title: "folder", cell: (row) => `\`${row.folder}\`` },
  { title: "mutants", cell: (row) => String(row.mutants), right: true },
  { title: "killed", cell: (row) => String(row.killed), right: true },
  { title: "survived", cell: (row) => String(row.survived), right: true },
  { title: "timeout", cell: (row) => String(row.timeout), right: true },
  { title: "no coverage", cell: (row) => String(row.noCoverage), right: true },
  { title: "score", cell: (row) => (row.score === null ? "n/a" : `${row.score.toFixed(1)} %`), right: true },
  { title: "type errors", cell: (row) => String(row.compileErrors), right: true },
];

/** A Markdown table, laid out as Prettier lays it out (so `pnpm format:check` passes). */
export function markdownTable(rows: FolderScore[]): string {
  const cells = [COLUMNS.map((c) => c.title), ...rows.map((row) => COLUMNS.map((c) => c.cell(row)))];
  const widths = COLUMNS.map((_, i) => Math.max(3, ...cells.map((line) => line[i]?.length ?? 0)));
  const pad = (text: string, i: number) =>
    COLUMNS[i]?.right ? text.padStart(widths[i] ?? 0) : text.padEnd(widths[i] ?? 0);
  const line = (texts: string[]) => `| ${texts.map(pad).join(" | ")} |`;
  const rule = `| ${widths.map((w, i) => (COLUMNS[i]?.right ? `${"-".repeat(w - 1)}:` : "-".repeat(w))).join(" | ")} |`;
  const [header = [], ...body] = cells;
  return [line(header), rule, ...body.map(line)].join("\n");
}

/** Markdown inline code for any text, backticks included: the shortest fence no run of backticks in it equals. */
function code(text: string): string {
  const runs = new Set([...text.matchAll(/`+/g)].map((run) => run[0].length));
  let length = 1;
  while (runs.has(length)) length++;
  const fence = "`".repeat(length);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** Code on one line, at most `max` characters of it. */
function oneLine(text: string, max = 70): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max).trimEnd()} …` : line;
}

/** The code a mutant replaces (Stryker's positions: 1-based lines and columns, end exclusive). */
function original(source: string, { start, end }: { start: Position; end: Position }): string {
  const lines = source.split("\n").slice(start.line - 1, end.line);
  lines[lines.length - 1] = (lines.at(-1) ?? "").slice(0, end.column - 1);
  lines[0] = (lines[0] ?? "").slice(start.column - 1);
  return lines.join("\n");
}

function describeMutant(file: string, source: string, mutant: Mutant): string {
  const at = mutant.location ? `:${mutant.location.start.line}:${mutant.location.start.column}` : "";
  const from = mutant.location ? `${code(oneLine(original(source, mutant.location)))} → ` : "";
  const status = mutant.status === "NoCoverage" ? " (no coverage)" : "";
  const to = code(oneLine(mutant.replacement ?? ""));
  return `- ${code(`${file}${at}`)} ${mutant.mutatorName ?? "?"}${status}: ${from}${to}`;
}

/**
 * The mutants no test noticed (survived, or run by no test), folder by folder as in
 * scoreByFolder: one list item each, with `file:line:column`, the mutator, what it replaced and by what.
 */
export function survivorList(packageDir: string, report: MutationReport, folders: string[]): string {
  const within = (file: string, folder: string) => file === folder || file.startsWith(`${folder}/`);
  const files = Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b));
  const others = files.map(([file]) => file).filter((file) => !folders.some((folder) => within(file, folder)));
  const line = (mutant: Mutant) => mutant.location?.start.line ?? 0;
  const sections = [...folders, ...others].map((folder) => {
    const items = files
      .filter(([file]) => within(file, folder))
      .flatMap(([file, { source = "", mutants }]) =>
        mutants
          .filter((mutant) => mutant.status === "Survived" || mutant.status === "NoCoverage")
          .sort((a, b) => line(a) - line(b))
          .map((mutant) => describeMutant(file, source, mutant)),
      );
    return `#### ${code(`${packageDir}/${folder}`)}\n\n${items.length ? items.join("\n") : "None."}`;
  });
  return sections.join("\n\n");
}

/** The markers of one generated section of MUTATION.md (`scores`, `survivors`). */
export const markers = (name: string) => [`<!-- mutation:${name}:start -->`, `<!-- mutation:${name}:end -->`] as const;

/** `text` with `body` between the markers of `name` (appended with them when they are missing). */
export function replaceBetweenMarkers(text: string, name: string, body: string): string {
  const [start, end] = markers(name);
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from === -1 || to === -1 || to < from) return `${text.trimEnd()}\n\n${start}\n\n${body.trim()}\n\n${end}\n`;
  return `${text.slice(0, from + start.length)}\n\n${body.trim()}\n\n${text.slice(to)}`;
}

/** Rewrites the generated sections of `file`, leaving the hand-written text as it is. */
export function writeSections(file: string, sections: Record<string, string>): void {
  let text = existsSync(file) ? readFileSync(file, "utf8") : "# Mutation testing\n";
  for (const [name, body] of Object.entries(sections)) text = replaceBetweenMarkers(text, name, body);
  writeFileSync(file, text);
}

export function readReport(file: string): MutationReport {
  return JSON.parse(readFileSync(file, "utf8")) as MutationReport;
}
