// Drives Prisma's schema engine compiled to WebAssembly, so migrations run with no
// native engine download. See docs/decisions/003-offline-prisma-migrations.md.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import * as bg from "@prisma/schema-engine-wasm/schema_engine_bg";
import type { SchemaEngine } from "@prisma/schema-engine-wasm";
import pg from "pg";
import { adminQuery, quoteIdent, withDatabase } from "../pg-helpers.ts";

const require = createRequire(import.meta.url);

type PanicRegistry = { message: string; set_message(message: string): void };
declare global {
  var PRISMA_WASM_PANIC_REGISTRY: PanicRegistry | undefined;
}
// Node has WebAssembly, but @types/node 20 does not declare it (only lib.dom does).
declare const WebAssembly: {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }>;
};

let wasmReady: Promise<void> | undefined;

/** Instantiates the engine's wasm once per process (Node 20 cannot `import` a .wasm file). */
function loadWasm(): Promise<void> {
  wasmReady ??= (async () => {
    // Without a registry, a Rust panic inside the engine surfaces as "unreachable".
    globalThis.PRISMA_WASM_PANIC_REGISTRY ??= {
      message: "",
      set_message(message: string) {
        this.message = message;
      },
    };
    // The package does not export its .wasm; locate it beside the entry point.
    const entry = require.resolve("@prisma/schema-engine-wasm");
    const bytes = await readFile(path.join(path.dirname(entry), "schema_engine_bg.wasm"));
    const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": bg });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
  })();
  return wasmReady;
}

/**
 * adapter-pg cannot decode pg_catalog's `"char"` columns (OID 18), which the engine's
 * introspection reads. They are single characters, so reading them as text is exact.
 */
function remapCharColumns<T>(result: T): T {
  for (const one of Array.isArray(result) ? result : [result]) {
    for (const field of (one as pg.QueryResult | undefined)?.fields ?? []) {
      if (field.dataTypeID === 18) field.dataTypeID = 25;
    }
  }
  return result;
}

function createMigrationPool(connectionString: string): pg.Pool {
  const pool = new pg.Pool({ connectionString, max: 4 });
  pool.on("connect", (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (...args: unknown[]) => {
      const callback = args.at(-1);
      if (typeof callback === "function") {
        args[args.length - 1] = (error: unknown, result: unknown): unknown =>
          (callback as (error: unknown, result: unknown) => unknown)(error, error ? result : remapCharColumns(result));
        return query(...args);
      }
      const pending = query(...args);
      return pending instanceof Promise ? pending.then(remapCharColumns) : pending;
    };
  });
  pool.on("error", () => {
    // An idle client's connection dropped (e.g. the server stopped); the next query reconnects.
  });
  return pool;
}

export type EngineHandle = {
  engine: SchemaEngine;
  /** Last panic message from the engine, to enrich "unreachable" errors. */
  lastPanic(): string;
  close(): Promise<void>;
};

/**
 * Opens the schema engine against `databaseUrl`. Shadow databases (used to replay
 * migrations when diffing) are created beside it and dropped on close: PrismaPg's own
 * `connectToShadowDb` would point at the main database when given a pool.
 */
export async function openSchemaEngine(
  databaseUrl: string,
  schema: { path: string; content: string },
): Promise<EngineHandle> {
  await loadWasm();
  const pools: pg.Pool[] = [];
  const shadowPrefix = `prisma_shadow_${process.pid}_${Date.now().toString(36)}`;
  const shadows: string[] = [];
  const adminUrl = withDatabase(databaseUrl, "postgres");

  const factory = bindMigrationAwareSqlAdapterFactory({
    provider: "postgres",
    adapterName: "@prisma/adapter-pg",
    async connect() {
      const pool = createMigrationPool(databaseUrl);
      pools.push(pool);
      return new PrismaPg(pool).connect();
    },
    async connectToShadowDb() {
      // The engine asks for a fresh shadow database for each operation.
      const name = `${shadowPrefix}_${shadows.length}`;
      await adminQuery(adminUrl, `CREATE DATABASE ${quoteIdent(name)}`);
      shadows.push(name);
      const pool = createMigrationPool(withDatabase(databaseUrl, name));
      pools.push(pool);
      return new PrismaPg(pool).connect();
    },
  });

  const { SchemaEngine } = bg;
  const engine = await SchemaEngine.new({ datamodels: [[schema.path, schema.content]] }, () => {}, factory);

  return {
    engine,
    lastPanic: () => globalThis.PRISMA_WASM_PANIC_REGISTRY?.message ?? "",
    async close() {
      engine.free();
      await Promise.all(pools.splice(0).map((pool) => pool.end()));
      for (const name of shadows.splice(0)) {
        await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
      }
    },
  };
}
