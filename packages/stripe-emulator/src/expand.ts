// `expand[]`: replaces id strings along dotted paths with the stored objects, copying only
// what it touches so stored objects never change.
import { invalidRequest } from "./http/errors.ts";
import type { Store } from "./store.ts";

const MAX_DEPTH = 4;

function expandPath(store: Store, value: unknown, segments: string[], path: string): unknown {
  if (Array.isArray(value)) return value.map((item) => expandPath(store, item, segments, path));
  let current = value;
  if (typeof current === "string") current = store.findById(current) ?? current;
  const [key, ...rest] = segments;
  if (key === undefined) return current;
  if (typeof current !== "object" || current === null) return current;
  const record: Record<string, unknown> = Object.fromEntries(Object.entries(current));
  if (!(key in record)) throw invalidRequest(`This property cannot be expanded (${path}).`, "expand");
  record[key] = expandPath(store, record[key], rest, path);
  return record;
}

export function applyExpand(store: Store, value: unknown, paths: readonly string[]): unknown {
  let result = value;
  for (const path of paths) {
    const segments = path.split(".");
    if (segments.length > MAX_DEPTH + 1) {
      throw invalidRequest(
        `You cannot expand more than ${MAX_DEPTH} levels of a property. Property: ${path}`,
        "expand",
      );
    }
    result = expandPath(store, result, segments, path);
  }
  return result;
}
