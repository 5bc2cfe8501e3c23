// Markdown pieces shared by the report's sections.

/** One table row, `| a | b | c |`, from its cells. */
export const tableRow = (...cells: string[]) => `| ${cells.join(" | ")} |`;
