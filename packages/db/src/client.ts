// The Prisma client over node-postgres. Kept apart from index.ts so that importing
// types never opens a connection.
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapter, SqlDriverAdapterFactory, Transaction } from "@prisma/driver-adapter-utils";
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
  });
  return new PrismaClient({
    adapter: failingAsUnavailable(adapter),
    // Prisma gives up starting a transaction after maxWait (2 s by default) with an error of its
    // own; waiting a little longer than the pool lets the pool's timeout, and its error, come first.
    transactionOptions: { maxWait: connectionTimeoutMs + 1_000 },
  });
}

/** Rethrows the driver's "did not answer in time" errors as DatabaseUnavailable; Prisma passes them through as they are. */
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
    ...(adapter.getConnectionInfo ? { getConnectionInfo: () => adapter.getConnectionInfo?.() ?? { supportsRelationJoins: false } } : {}),
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
    ...(tx.createSavepoint ? { createSavepoint: guard((name: string) => tx.createSavepoint?.(name) ?? Promise.resolve()) } : {}),
    ...(tx.rollbackToSavepoint ? { rollbackToSavepoint: guard((name: string) => tx.rollbackToSavepoint?.(name) ?? Promise.resolve()) } : {}),
    ...(tx.releaseSavepoint ? { releaseSavepoint: guard((name: string) => tx.releaseSavepoint?.(name) ?? Promise.resolve()) } : {}),
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
