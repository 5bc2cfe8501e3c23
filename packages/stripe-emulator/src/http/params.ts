// Typed reading of Stripe's bracket form encoding, with Stripe's unknown/missing parameter errors.
import qs from "qs";
import type { ParsedQs } from "qs";
import { parameterInvalid, parameterMissing, parameterUnknown } from "./errors.ts";

type Value = ParsedQs[string];

export function parseForm(text: string): ParsedQs {
  // Stripe sends indexed arrays (expand[0]=…) and nests a few levels deep (flow_data[…][items][0][price]).
  return qs.parse(text, { arrayLimit: 1000, depth: 10, parameterLimit: 10_000, allowDots: false });
}

export interface MetadataUpdate {
  /** `metadata=` (empty) removes every key. */
  clear: boolean;
  set: Record<string, string>;
  /** `metadata[k]=` (empty) removes that key. */
  unset: string[];
}

export interface RangeFilter {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
}

const RANGE_KEYS = ["gt", "gte", "lt", "lte"] as const;

function isRecord(value: Value): value is ParsedQs {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export class Params {
  constructor(
    readonly raw: ParsedQs,
    readonly path = "",
  ) {}

  name(key: string): string {
    return this.path === "" ? key : `${this.path}[${key}]`;
  }

  /** Rejects anything not in `keys`, the way Stripe answers `parameter_unknown`. */
  allow(keys: readonly string[]): this {
    for (const key of Object.keys(this.raw)) {
      if (!keys.includes(key)) throw parameterUnknown(this.name(key));
    }
    return this;
  }

  has(key: string): boolean {
    return this.raw[key] !== undefined;
  }

  /** True when the client sent `key=` to unset the field. */
  isEmpty(key: string): boolean {
    return this.raw[key] === "";
  }

  string(key: string): string | undefined {
    const value = this.raw[key];
    if (value === undefined) return undefined;
    if (typeof value !== "string") throw parameterInvalid(this.name(key), `Invalid string: ${this.name(key)}`);
    return value;
  }

  /** `undefined` when absent, `null` when sent empty (unset), else the string. */
  nullableString(key: string): string | null | undefined {
    const value = this.string(key);
    if (value === "") return null;
    return value;
  }

  requiredString(key: string): string {
    const value = this.string(key);
    if (value === undefined || value === "") throw parameterMissing(this.name(key));
    return value;
  }

  int(key: string): number | undefined {
    const value = this.string(key);
    if (value === undefined || value === "") return undefined;
    if (!/^-?\d+$/.test(value)) throw parameterInvalid(this.name(key), `Invalid integer: ${value}`);
    return Number(value);
  }

  requiredInt(key: string): number {
    const value = this.int(key);
    if (value === undefined) throw parameterMissing(this.name(key));
    return value;
  }

  bool(key: string): boolean | undefined {
    const value = this.string(key);
    if (value === undefined || value === "") return undefined;
    if (value === "true") return true;
    if (value === "false") return false;
    throw parameterInvalid(this.name(key), `Invalid boolean: ${value}`);
  }

  oneOf<T extends string>(key: string, values: readonly T[]): T | undefined {
    const value = this.string(key);
    if (value === undefined || value === "") return undefined;
    const match = values.find((candidate) => candidate === value);
    if (match === undefined) {
      throw parameterInvalid(this.name(key), `Invalid ${this.name(key)}: must be one of ${values.join(", ")}`);
    }
    return match;
  }

  stringList(key: string): string[] | undefined {
    const value = this.raw[key];
    if (value === undefined) return undefined;
    if (value === "") return [];
    const items = Array.isArray(value) ? value : isRecord(value) ? Object.values(value) : [value];
    return items.map((item) => {
      if (typeof item !== "string") throw parameterInvalid(this.name(key), `Invalid array: ${this.name(key)}`);
      return item;
    });
  }

  child(key: string, allowed: readonly string[]): Params | undefined {
    const value = this.raw[key];
    if (value === undefined || value === "") return undefined;
    if (!isRecord(value)) throw parameterInvalid(this.name(key), `Invalid object: ${this.name(key)}`);
    return new Params(value, this.name(key)).allow(allowed);
  }

  childList(key: string, allowed: readonly string[]): Params[] | undefined {
    const value = this.raw[key];
    if (value === undefined) return undefined;
    if (value === "") return [];
    const items = Array.isArray(value) ? value : isRecord(value) ? Object.values(value) : undefined;
    if (items === undefined) throw parameterInvalid(this.name(key), `Invalid array: ${this.name(key)}`);
    return items.map((item, index) => {
      if (typeof item === "string" || item === undefined || Array.isArray(item)) {
        throw parameterInvalid(`${this.name(key)}[${index}]`, `Invalid object: ${this.name(key)}[${index}]`);
      }
      return new Params(item, `${this.name(key)}[${index}]`).allow(allowed);
    });
  }

  metadata(key = "metadata"): MetadataUpdate | undefined {
    const value = this.raw[key];
    if (value === undefined) return undefined;
    if (value === "") return { clear: true, set: {}, unset: [] };
    if (!isRecord(value)) throw parameterInvalid(this.name(key), `Invalid hash: ${this.name(key)}`);
    const update: MetadataUpdate = { clear: false, set: {}, unset: [] };
    for (const [name, entry] of Object.entries(value)) {
      if (typeof entry !== "string") throw parameterInvalid(`${this.name(key)}[${name}]`, "Invalid metadata value");
      if (entry === "") update.unset.push(name);
      else update.set[name] = entry;
    }
    return update;
  }

  range(key: string): RangeFilter | undefined {
    const value = this.raw[key];
    if (value === undefined || value === "") return undefined;
    if (typeof value === "string") {
      const exact = this.requiredInt(key);
      return { gte: exact, lte: exact };
    }
    const child = this.child(key, RANGE_KEYS);
    if (child === undefined) return undefined;
    const filter: RangeFilter = {};
    for (const bound of RANGE_KEYS) {
      const parsed = child.int(bound);
      if (parsed !== undefined) filter[bound] = parsed;
    }
    return filter;
  }

  expand(): string[] {
    return this.stringList("expand") ?? [];
  }
}

export function applyMetadata(
  current: Record<string, string> | null,
  update: MetadataUpdate | undefined,
): Record<string, string> {
  const next: Record<string, string> = update?.clear === true ? {} : { ...(current ?? {}) };
  if (update === undefined) return next;
  for (const name of update.unset) delete next[name];
  Object.assign(next, update.set);
  return next;
}

export function inRange(value: number, filter: RangeFilter | undefined): boolean {
  if (filter === undefined) return true;
  if (filter.gt !== undefined && !(value > filter.gt)) return false;
  if (filter.gte !== undefined && !(value >= filter.gte)) return false;
  if (filter.lt !== undefined && !(value < filter.lt)) return false;
  if (filter.lte !== undefined && !(value <= filter.lte)) return false;
  return true;
}
