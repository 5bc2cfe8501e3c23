// The Prisma client over node-postgres. Kept apart from index.ts so that importing
// types never opens a connection.
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapter, SqlDriverAdapterFactory, Transaction } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { asDatabaseUnavailable } from "./errors.ts";
import { PrismaClient } from "./generated/prisma/client.ts";

export { DatabaseUnavailable } from "./errors.ts";

export type CreateDbOptions = {
  /** Pool size per process. */
  max?: number;
  /** How long a query waits for a pooled connection, or for a new one to open, before failing. */
  connectionTimeoutMs?: number;
  /** PostgreSQL's statement_timeout: the server cancels a statement that runs (or waits on a lock) longer. */
  statementTimeoutMs?: number;
  /** The client's own limit per query, for a server that answers nothing at all (stalled, network gone). */
  queryTimeoutMs?: number;
};

/**
 * A request waits on these, so a stalled or saturated database fails it in seconds with
 * DatabaseUnavailable instead of hanging it. The client-side query timeout is a little
 * longer than the server's, so a merely slow statement is cancelled by the server first
 * and its connection stays usable.
 */
export const DB_TIMEOUTS = { connectionTimeoutMs: 3_000, statementTimeoutMs: 5_000, queryTimeoutMs: 6_000 } as const;

export function createDb(databaseUrl: string, options: CreateDbOptions = {}): PrismaClient {
  const connectionTimeoutMs = options.connectionTimeoutMs ?? DB_TIMEOUTS.connectionTimeoutMs;
  const statementTimeoutMs = options.statementTimeoutMs ?? DB_TIMEOUTS.statementTimeoutMs;
  const adapter = new PrismaPg({
    connectionString: databaseUrl,
    max: options.max ?? 10,
    connectionTimeoutMillis: connectionTimeoutMs,
    statement_timeout: statementTimeoutMs,
    query_timeout: options.queryTimeoutMs ?? Math.max(DB_TIMEOUTS.queryTimeoutMs, statementTimeoutMs + 1_000),
    onConnect: listenForErrors,
  });
  const db = new PrismaClient({
    adapter: failingAsUnavailable(adapter),
    // Prisma gives up starting a transaction after maxWait (2 s by default) with an error of its
    // own; waiting a little longer than the pool lets the pool's timeout, and its error, come first.
    transactionOptions: { maxWait: connectionTimeoutMs + 1_000 },
  });
  probes.set(db, databaseProbe(databaseUrl));
  return db;
}

/**
 * Gives each pooled connection an 'error' listener for its whole life. The pool listens only
 * while a connection is idle and adapter-pg only inside a transaction, so a connection handed
 * from a query that just finished to a transaction waiting for it has none until the adapter
 * adds its own, a few microtasks later. A server ending it in that gap (57P01 on a shutdown or
 * restart, read in the same chunk as the query's answer) would be an uncaught 'error' event,
 * which ends a production process. Ignoring it here is safe: the connection is marked broken, the
 * waiting transaction fails as DatabaseUnavailable and the pool replaces the connection.
 */
function listenForErrors(client: pg.ClientBase): void {
  client.on("error", () => {});
}

type Probe = { ping(): Promise<boolean>; query<T>(text: string): Promise<T[]> };
const probes = new WeakMap<PrismaClient, Probe>();

function probeOf(db: PrismaClient): Probe {
  const probe = probes.get(db);
  if (!probe) throw new Error("this client was not made by createDb");
  return probe;
}

/**
 * Whether the database answers within `PING_TIMEOUT_MS`, asked on a connection of its own
 * (a pool of one, opened on first use) rather than the client's pool: a pool busy with real
 * work is the app being busy, not the database being down. Concurrent pings share one query.
 */
export function pingDatabase(db: PrismaClient): Promise<boolean> {
  return probeOf(db).ping();
}

/**
 * Runs a small read-only health query (e.g. the job queue's depth) on the same connection of
 * its own as `pingDatabase`, within `PING_TIMEOUT_MS`, so a busy main pool does not delay it.
 */
export function probeQuery<T>(db: PrismaClient, text: string): Promise<T[]> {
  return probeOf(db).query<T>(text);
}

export const PING_TIMEOUT_MS = 1_000;

function databaseProbe(databaseUrl: string): Probe {
  let pool: pg.Pool | null = null;
  let inFlight: Promise<boolean> | null = null;
  const open = () =>
    (pool ??= new pg.Pool({
      connectionString: databaseUrl,
      max: 1,
      connectionTimeoutMillis: PING_TIMEOUT_MS,
      query_timeout: PING_TIMEOUT_MS,
      statement_timeout: PING_TIMEOUT_MS,
      // Keeps no process alive and no connection for long: it is asked every few seconds at most.
      idleTimeoutMillis: 30_000,
      allowExitOnIdle: true,
    }).on("error", () => {
      // An idle probe connection dropped (server restart): the next ping opens another.
    }));
  const ping = async () => {
    try {
      await open().query("SELECT 1");
      return true;
    } catch {
      return false;
    }
  };
  return {
    ping: () => (inFlight ??= ping().finally(() => (inFlight = null))),
    query: async <T>(text: string) => (await open().query(text)).rows as T[],
  };
}

/** Rethrows the driver's "did not answer in time" errors as DatabaseUnavailable (Prisma passes them on as they are). */
function failingAsUnavailable(factory: SqlDriverAdapterFactory): SqlDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: guard(async () => wrapAdapter(await factory.connect())),
  };
}

function wrapAdapter(adapter: SqlDriverAdapter): SqlDriverAdapter {
  return {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: guard((query) => adapter.queryRaw(query)),
    executeRaw: guard((query) => adapter.executeRaw(query)),
    executeScript: guard((script) => adapter.executeScript(script)),
    startTransaction: guard(async (isolationLevel) => wrapTransaction(await adapter.startTransaction(isolationLevel))),
    ...(adapter.getConnectionInfo
      ? { getConnectionInfo: () => adapter.getConnectionInfo?.() ?? { supportsRelationJoins: false } }
      : {}),
    dispose: () => adapter.dispose(),
  };
}

function wrapTransaction(tx: Transaction): Transaction {
  return {
    provider: tx.provider,
    adapterName: tx.adapterName,
    options: tx.options,
    queryRaw: guard((query) => tx.queryRaw(query)),
    executeRaw: guard((query) => tx.executeRaw(query)),
    commit: guard(() => tx.commit()),
    rollback: guard(() => tx.rollback()),
    ...(tx.createSavepoint
      ? { createSavepoint: guard((name: string) => tx.createSavepoint?.(name) ?? Promise.resolve()) }
      : {}),
    ...(tx.rollbackToSavepoint
      ? { rollbackToSavepoint: guard((name: string) => tx.rollbackToSavepoint?.(name) ?? Promise.resolve()) }
      : {}),
    ...(tx.releaseSavepoint
      ? { releaseSavepoint: guard((name: string) => tx.releaseSavepoint?.(name) ?? Promise.resolve()) }
      : {}),
  };
}

function guard<A extends unknown[], R>(call: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args) => {
    try {
      return await call(...args);
    } catch (error) {
      throw asDatabaseUnavailable(error) ?? error;
    }
  };
}
