// A subset of Stripe's search query language: field:'v', field~'v', metadata['k']:'v', -negation,
// numeric field>n / <n, joined by AND or by OR (Stripe does not allow mixing them).
import { invalidRequest } from "./http/errors.ts";

interface Clause {
  field: string;
  key: string | undefined;
  operator: ":" | "~" | ">" | "<" | ">=" | "<=";
  value: string;
  negate: boolean;
}

export interface SearchQuery {
  mode: "and" | "or";
  clauses: Clause[];
}

const CLAUSE = /^(-)?([a-z_]+)(?:\[['"]([^'"]+)['"]\])?\s*(>=|<=|:|~|>|<)\s*(?:'([^']*)'|"([^"]*)"|(-?\d+|null))$/;

export function parseSearchQuery(query: string): SearchQuery {
  const trimmed = query.trim();
  if (trimmed === "") throw invalidRequest("The query parameter is required.", "query");
  const hasAnd = /\sAND\s/.test(trimmed);
  const hasOr = /\sOR\s/.test(trimmed);
  if (hasAnd && hasOr) throw invalidRequest("Combining AND and OR clauses is not supported.", "query");
  const parts = trimmed.split(hasOr ? /\s+OR\s+/ : /\s+AND\s+/);
  const clauses = parts.map((part): Clause => {
    const match = CLAUSE.exec(part.trim());
    if (match === null) throw invalidRequest(`Invalid search query: ${part}`, "query");
    const operator = match[4];
    if (
      operator !== ":" &&
      operator !== "~" &&
      operator !== ">" &&
      operator !== "<" &&
      operator !== ">=" &&
      operator !== "<="
    ) {
      throw invalidRequest(`Invalid search operator in: ${part}`, "query");
    }
    return {
      negate: match[1] === "-",
      field: match[2] ?? "",
      key: match[3],
      operator,
      value: match[5] ?? match[6] ?? match[7] ?? "",
    };
  });
  return { mode: hasOr ? "or" : "and", clauses };
}

export type FieldReader = (field: string, key: string | undefined) => string | number | null | undefined;

function clauseMatches(clause: Clause, read: FieldReader): boolean {
  const actual = read(clause.field, clause.key);
  let result: boolean;
  if (clause.operator === ":") {
    result = clause.value === "null" ? actual === null || actual === undefined : String(actual ?? "") === clause.value;
  } else if (clause.operator === "~") {
    result = String(actual ?? "")
      .toLowerCase()
      .includes(clause.value.toLowerCase());
  } else {
    const left = Number(actual);
    const right = Number(clause.value);
    result =
      clause.operator === ">"
        ? left > right
        : clause.operator === "<"
          ? left < right
          : clause.operator === ">="
            ? left >= right
            : left <= right;
  }
  return clause.negate ? !result : result;
}

export function matchesSearch(query: SearchQuery, read: FieldReader): boolean {
  return query.mode === "or"
    ? query.clauses.some((clause) => clauseMatches(clause, read))
    : query.clauses.every((clause) => clauseMatches(clause, read));
}
