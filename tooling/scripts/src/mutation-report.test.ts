import { format } from "prettier";
import { describe, expect, it } from "vitest";
import {
  MARKERS,
  markdownTable,
  replaceBetweenMarkers,
  scoreByFolder,
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

describe("replaceBetweenMarkers", () => {
  it("replaces what is between the markers and keeps the hand-written text around them", () => {
    const text = `# Mutation testing\n\nBefore.\n\n${MARKERS[0]}\n\nold table\n\n${MARKERS[1]}\n\nAfter.\n`;
    expect(replaceBetweenMarkers(text, "new table")).toBe(
      `# Mutation testing\n\nBefore.\n\n${MARKERS[0]}\n\nnew table\n\n${MARKERS[1]}\n\nAfter.\n`,
    );
  });

  it("appends the markers when a file has none", () => {
    expect(replaceBetweenMarkers("# Mutation testing\n", "table")).toBe(
      `# Mutation testing\n\n${MARKERS[0]}\n\ntable\n\n${MARKERS[1]}\n`,
    );
  });
});
