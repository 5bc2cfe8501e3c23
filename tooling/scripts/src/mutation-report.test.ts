import { format } from "prettier";
import { describe, expect, it } from "vitest";
import {
  markdownTable,
  markers,
  replaceBetweenMarkers,
  scoreByFolder,
  survivorList,
  total,
  type MutationReport,
} from "./mutation-report.ts";

const mutants = (...statuses: Array<MutationReport["files"][string]["mutants"][number]["status"]>) => ({
  mutants: statuses.map((status) => ({ status })),
});

const report: MutationReport = {
  files: {
    "src/portal/create-portal-session.ts": mutants("Killed", "Killed", "Survived", "CompileError"),
    "src/portal/more.ts": mutants("Timeout", "NoCoverage"),
    "src/checkout/create-checkout-session.ts": mutants("Killed", "Ignored"),
    "src/stray.ts": mutants("Survived"),
  },
};

describe("scoreByFolder", () => {
  it("counts each folder's mutants, scores killed and timed out over those that ran or had no test", () => {
    const [portal, checkout, empty, stray] = scoreByFolder("packages/billing", report, [
      "src/portal",
      "src/checkout",
      "src/sync",
    ]);
    expect(portal).toEqual({
      folder: "packages/billing/src/portal",
      mutants: 5,
      killed: 2,
      survived: 1,
      timeout: 1,
      noCoverage: 1,
      compileErrors: 1,
      score: 60,
    });
    expect(checkout).toMatchObject({ folder: "packages/billing/src/checkout", mutants: 1, killed: 1, score: 100 });
    expect(empty).toMatchObject({ folder: "packages/billing/src/sync", mutants: 0, score: null });
    // A mutated file outside every folder named still gets a row.
    expect(stray).toMatchObject({ folder: "packages/billing/src/stray.ts", mutants: 1, survived: 1, score: 0 });
  });

  it("takes a single file as a folder", () => {
    const [file] = scoreByFolder("packages/billing", report, ["src/portal/more.ts"]);
    expect(file).toMatchObject({ mutants: 2, timeout: 1, noCoverage: 1, score: 50 });
  });

  it("sums rows into a total", () => {
    const rows = scoreByFolder("packages/billing", report, ["src/portal", "src/checkout"]);
    expect(total("all", rows)).toEqual({
      folder: "all",
      mutants: 7,
      killed: 3,
      survived: 2,
      timeout: 1,
      noCoverage: 1,
      compileErrors: 1,
      score: (4 / 7) * 100,
    });
  });
});

describe("markdownTable", () => {
  it("is laid out as Prettier lays it out, so the format check passes on MUTATION.md", async () => {
    const rows = scoreByFolder("packages/billing", report, ["src/portal", "src/checkout", "src/sync"]);
    const table = markdownTable([...rows, total("all", rows)]);
    expect(table).toContain("| `packages/billing/src/portal`   |       5 |");
    expect(table).toContain("60.0 %");
    expect(await format(table, { parser: "markdown", printWidth: 120 })).toBe(`${table}\n`);
  });
});

describe("survivorList", () => {
  const source = [
    "export function greet(name: string) {",
    "  const hi = `Hello ${name}`;",
    '  if (name === "") return "Hello";',
    "  return hi;",
    "}",
  ].join("\n");
  const at = (line: number, column: number, endLine: number, endColumn: number) => ({
    start: { line, column },
    end: { line: endLine, column: endColumn },
  });
  const withSurvivors: MutationReport = {
    files: {
      "src/greet.ts": {
        source,
        mutants: [
          { status: "Survived", mutatorName: "StringLiteral", replacement: "``", location: at(2, 14, 2, 29) },
          { status: "Killed", mutatorName: "ConditionalExpression", replacement: "false", location: at(3, 7, 3, 18) },
          { status: "NoCoverage", mutatorName: "BlockStatement", replacement: "{}", location: at(1, 37, 5, 2) },
          { status: "Survived", mutatorName: "BlockStatement", replacement: "{}", location: at(3, 20, 4, 9) },
        ],
      },
      "src/other.ts": { source: "", mutants: [] },
    },
  };

  it("lists what survived or ran no test, where, what it replaced and by what, folder by folder", () => {
    expect(survivorList("packages/x", withSurvivors, ["src/greet.ts", "src/none"])).toBe(
      [
        "#### `packages/x/src/greet.ts`",
        "",
        "- `src/greet.ts:1:37` BlockStatement (no coverage): " +
          '``{ const hi = `Hello ${name}`; if (name === "") return "Hello"; return …`` → `{}`',
        "- `src/greet.ts:2:14` StringLiteral: `` `Hello ${name}` `` → ` `` `",
        '- `src/greet.ts:3:20` BlockStatement: `return "Hello"; return` → `{}`',
        "",
        "#### `packages/x/src/none`",
        "",
        "None.",
        "",
        "#### `packages/x/src/other.ts`",
        "",
        "None.",
      ].join("\n"),
    );
  });

  it("is Markdown that Prettier leaves as it is, backticks in the code included", async () => {
    const list = survivorList("packages/x", withSurvivors, ["src"]);
    expect(await format(list, { parser: "markdown", printWidth: 120, proseWrap: "preserve" })).toBe(`${list}\n`);
  });
});

describe("replaceBetweenMarkers", () => {
  const [start, end] = markers("scores");

  it("replaces what is between the markers and keeps the hand-written text around them", () => {
    const text = `# Mutation testing\n\nBefore.\n\n${start}\n\nold table\n\n${end}\n\nAfter.\n`;
    expect(replaceBetweenMarkers(text, "scores", "new table")).toBe(
      `# Mutation testing\n\nBefore.\n\n${start}\n\nnew table\n\n${end}\n\nAfter.\n`,
    );
  });

  it("appends the markers when a file has none", () => {
    expect(replaceBetweenMarkers("# Mutation testing\n", "scores", "table")).toBe(
      `# Mutation testing\n\n${start}\n\ntable\n\n${end}\n`,
    );
  });
});
