// `data.previous_attributes`: the old values of what changed, recursing into plain sub-hashes
// (metadata, invoice_settings) but not into Stripe objects or lists, which Stripe reports whole.

function isPlainHash(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  if ("object" in value) return false;
  return !("toJSON" in value);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function previousAttributes(before: object, after: object): Record<string, unknown> {
  const previous: Record<string, unknown> = {};
  const old = new Map<string, unknown>(Object.entries(before));
  const next = new Map<string, unknown>(Object.entries(after));
  for (const key of new Set([...old.keys(), ...next.keys()])) {
    const was = old.get(key);
    const now = next.get(key);
    if (same(was, now)) continue;
    if (isPlainHash(was) && isPlainHash(now)) previous[key] = previousAttributes(was, now);
    else previous[key] = was === undefined ? null : was;
  }
  return previous;
}

export function hasChanges(previous: Record<string, unknown>): boolean {
  return Object.keys(previous).length > 0;
}
