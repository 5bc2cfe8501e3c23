// `--data <file>`: the whole store as JSON, written atomically (temp file + rename), and
// saved a moment after each change.
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import Stripe from "stripe";
import type { Store } from "./store.ts";

const VERSION = 1;

function serializeStore(store: Store): string {
  const collections: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(store)) {
    if (value instanceof Map) collections[name] = Array.from(value.entries());
    else if (value instanceof Set) collections[name] = Array.from(value.values());
  }
  return JSON.stringify({ version: VERSION, savedAt: new Date().toISOString(), collections });
}

/** JSON turns Stripe's Decimal values into strings; the SDK types want them back as Decimal. */
function reviveDecimals(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reviveDecimals);
  if (typeof value !== "object" || value === null) return value;
  const record: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    record[key] =
      key.endsWith("_decimal") && typeof entry === "string" ? Stripe.Decimal.from(entry) : reviveDecimals(entry);
  }
  return record;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Loads a file written by `serializeStore`. The file is our own, so its objects are trusted. */
function restoreStore(store: Store, text: string): void {
  const parsed: unknown = reviveDecimals(JSON.parse(text));
  if (!isRecord(parsed) || parsed.version !== VERSION || !isRecord(parsed.collections)) {
    throw new Error("stripe-emulator: unrecognised data file format");
  }
  const collections = parsed.collections;
  store.clear();
  for (const [name, target] of Object.entries(store)) {
    const saved = collections[name];
    if (!Array.isArray(saved)) continue;
    if (target instanceof Map) {
      for (const entry of saved)
        if (Array.isArray(entry) && typeof entry[0] === "string") target.set(entry[0], entry[1]);
    } else if (target instanceof Set) {
      for (const entry of saved) if (typeof entry === "string") target.add(entry);
    }
  }
}

async function loadStoreFile(store: Store, file: string): Promise<boolean> {
  if (!existsSync(file)) return false;
  restoreStore(store, await readFile(file, "utf8"));
  return true;
}

async function saveStoreFile(store: Store, file: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temp, serializeStore(store), "utf8");
  await rename(temp, file);
}

/** Debounced, serialized saves of the store to the data file. */
export class DataFile {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly file: string,
    private readonly debounceMs = 25,
  ) {}

  load(): Promise<boolean> {
    return loadStoreFile(this.store, this.file);
  }

  schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.enqueueWrite();
    }, this.debounceMs);
  }

  private enqueueWrite(): void {
    // Writes are chained so two renames never race.
    this.writing = this.writing
      .then(() => saveStoreFile(this.store, this.file))
      .catch((error: unknown) => {
        console.error("[stripe-emulator] could not save data file:", error instanceof Error ? error.message : error);
      });
  }

  async flush(): Promise<void> {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.enqueueWrite();
    await this.writing;
  }
}
