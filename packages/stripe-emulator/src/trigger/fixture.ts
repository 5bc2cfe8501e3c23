// Trigger fixtures in the Stripe CLI's format: a list of API requests, each named, whose params
// may refer to earlier responses (`${customer:id}`, `${subscription:items.data.0.id}`) or to
// the environment (`${.env:STRIPE_PRICE}`). `--add`, `--override`, `--remove` and `--skip`
// change a fixture as the Stripe CLI's flags of the same names do.
import { z } from "zod";

const stepSchema = z.object({
  name: z.string().min(1),
  path: z.string().startsWith("/"),
  method: z
    .string()
    .transform((method) => method.toUpperCase())
    .pipe(z.enum(["GET", "POST", "DELETE"]))
    .default("POST"),
  params: z.record(z.string(), z.unknown()).default({}),
  /** The step must fail with this error type (e.g. `card_error` for a declined payment). */
  expected_error_type: z.string().optional(),
});

const fixtureSchema = z.object({
  _meta: z.looseObject({ template_version: z.literal(0) }),
  fixtures: z.array(stepSchema).min(1),
});

export type Fixture = z.infer<typeof fixtureSchema>;

export class FixtureError extends Error {}

export function parseFixture(text: string, source: string): Fixture {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new FixtureError(`${source} is not JSON: ${(error as Error).message}`);
  }
  const parsed = fixtureSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`).join("\n");
    throw new FixtureError(`${source} is not a trigger fixture:\n${issues}`);
  }
  return parsed.data;
}

/** `customer:name=Quinn` → the step, the param path (dots or brackets), the value. */
function parseChange(flag: string, text: string, withValue: boolean) {
  const match = withValue ? /^([^:]+):([^=]+)=(.*)$/s.exec(text) : /^([^:]+):(.+)$/s.exec(text);
  if (match === null) {
    throw new FixtureError(`--${flag} ${text}: expected ${withValue ? "step:param=value" : "step:param"}`);
  }
  const raw = match[2] ?? "";
  const path = raw.replaceAll("]", "").split(/[.[]/);
  return { step: match[1] ?? "", raw, path, value: match[3] ?? "" };
}

/** A param written flat in the fixture (`"recurring[interval]": "month"`) is changed as written. */
function target(params: Record<string, unknown>, change: { raw: string; path: string[] }): string[] {
  return Object.hasOwn(params, change.raw) ? [change.raw] : change.path;
}

function setPath(into: Record<string, unknown>, path: string[], value: unknown): void {
  const [key, ...rest] = path;
  if (key === undefined) return;
  if (rest.length === 0) {
    into[key] = value;
    return;
  }
  const next = into[key];
  const child: Record<string, unknown> =
    typeof next === "object" && next !== null ? (next as Record<string, unknown>) : {};
  into[key] = child;
  setPath(child, rest, value);
}

function hasPath(target: Record<string, unknown>, path: string[]): boolean {
  let current: unknown = target;
  for (const key of path) {
    if (typeof current !== "object" || current === null || !(key in current)) return false;
    current = (current as Record<string, unknown>)[key];
  }
  return true;
}

function removePath(target: Record<string, unknown>, path: string[]): void {
  const parent = path.slice(0, -1).reduce<unknown>((node, key) => (node as Record<string, unknown>)?.[key], target);
  const last = path.at(-1);
  if (typeof parent === "object" && parent !== null && last !== undefined) {
    delete (parent as Record<string, unknown>)[last];
  }
}

export interface FixtureChanges {
  add?: string[];
  override?: string[];
  remove?: string[];
  skip?: string[];
}

/** The fixture with the flags applied; a flag naming no step (or, to override, no param) is an error. */
export function applyChanges(fixture: Fixture, changes: FixtureChanges): Fixture {
  const steps = structuredClone(fixture.fixtures);
  const byName = (flag: string, name: string) => {
    const step = steps.find((candidate) => candidate.name === name);
    if (step === undefined) {
      throw new FixtureError(
        `--${flag}: the fixture has no step named "${name}" (${steps.map((s) => s.name).join(", ")})`,
      );
    }
    return step;
  };
  for (const text of changes.add ?? []) {
    const change = parseChange("add", text, true);
    const step = byName("add", change.step);
    setPath(step.params, target(step.params, change), change.value);
  }
  for (const text of changes.override ?? []) {
    const change = parseChange("override", text, true);
    const step = byName("override", change.step);
    const path = target(step.params, change);
    if (!hasPath(step.params, path)) {
      throw new FixtureError(`--override ${text}: step "${change.step}" has no param ${change.raw}; use --add`);
    }
    setPath(step.params, path, change.value);
  }
  for (const text of changes.remove ?? []) {
    const change = parseChange("remove", text, false);
    const step = byName("remove", change.step);
    const path = target(step.params, change);
    if (!hasPath(step.params, path)) {
      throw new FixtureError(`--remove ${text}: step "${change.step}" has no param ${change.raw}`);
    }
    removePath(step.params, path);
  }
  for (const name of changes.skip ?? []) byName("skip", name);
  const skipped = new Set(changes.skip ?? []);
  return { ...fixture, fixtures: steps.filter((step) => !skipped.has(step.name)) };
}

const REFERENCE = /\$\{([^}:]+):([^}]+)\}/g;
const ANY_PLACEHOLDER = /\$\{[^}]*\}/;

/** Follows `items.data.0.id` through a response. */
function lookup(value: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((node, key) => {
    if (typeof node !== "object" || node === null) return undefined;
    return (node as Record<string, unknown>)[key];
  }, value);
}

/**
 * Replaces references in a value: a string that is one reference takes the referred value as
 * it is (a number stays a number); references inside a longer string are spliced in as text.
 */
export function resolveReferences(
  value: unknown,
  responses: ReadonlyMap<string, unknown>,
  env: Readonly<Record<string, string | undefined>>,
): unknown {
  if (Array.isArray(value)) return value.map((entry) => resolveReferences(entry, responses, env));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, entry]) => [key, resolveReferences(entry, responses, env)]),
    );
  }
  if (typeof value !== "string") return value;
  const find = (source: string, path: string): unknown => {
    if (source === ".env") {
      const found = env[path];
      if (found === undefined || found === "") throw new FixtureError(`\${.env:${path}}: ${path} is not set`);
      return found;
    }
    if (!responses.has(source)) throw new FixtureError(`\${${source}:${path}}: no earlier step is named "${source}"`);
    const found = lookup(responses.get(source), path);
    if (found === undefined) throw new FixtureError(`\${${source}:${path}}: the "${source}" response has no ${path}`);
    return found;
  };
  const whole = /^\$\{([^}:]+):([^}]+)\}$/.exec(value);
  if (whole !== null) return find(whole[1] ?? "", whole[2] ?? "");
  const spliced = value.replace(REFERENCE, (_match, source: string, path: string) => String(find(source, path)));
  // What is left is a placeholder this runner does not know (e.g. Stripe CLI's ${generate-uuid}).
  const unknown = ANY_PLACEHOLDER.exec(value.replace(REFERENCE, ""));
  if (unknown !== null) throw new FixtureError(`${unknown[0]}: only \${step:path} and \${.env:NAME} are supported`);
  return spliced;
}

/** A step's path with its references filled in, each escaped as one path segment. */
export function resolvePath(
  path: string,
  responses: ReadonlyMap<string, unknown>,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const escaped = path.replace(REFERENCE, (match) => {
    const value = String(resolveReferences(match, responses, env));
    // "." and ".." survive escaping and would climb out of their segment.
    if (value === "." || value === "..") throw new FixtureError(`${match} resolved to "${value}" in a path`);
    return encodeURIComponent(value);
  });
  return String(resolveReferences(escaped, responses, env));
}
