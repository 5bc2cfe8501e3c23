// DatabaseUnavailable: PostgreSQL did not answer in time (stalled, down, restarting, or every
// pooled connection busy). It is transient: callers answer "temporarily unavailable" (tRPC
// SERVICE_UNAVAILABLE, HTTP 503) and the next request simply tries again.
import { isDriverAdapterError } from "@prisma/driver-adapter-utils";

export class DatabaseUnavailable extends Error {
  override name = "DatabaseUnavailable";
  constructor(cause: unknown) {
    super("The database is temporarily unavailable. Please try again in a moment.", { cause });
  }
}

// What node-postgres and pg-pool throw, as plain Errors, when the server does not answer.
const DRIVER_MESSAGES = [
  "timeout exceeded when trying to connect", // pg-pool: no connection free within connectionTimeoutMillis
  "Connection terminated due to connection timeout", // pg: a new connection did not open in time
  "Query read timeout", // pg: query_timeout, the server sent nothing back
  "Connection terminated unexpectedly",
  "Connection terminated",
  "Client has encountered a connection error and is not queryable",
];
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH"]);
// Mapped by @prisma/adapter-pg from socket and server errors.
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
// query_canceled (statement_timeout), admin_shutdown, crash_shutdown, cannot_connect_now.
const SERVER_CODES = new Set(["57014", "57P01", "57P02", "57P03"]);

/** The error as DatabaseUnavailable when it says the database did not answer in time; null for any other error. */
export function asDatabaseUnavailable(error: unknown): DatabaseUnavailable | null {
  if (error instanceof DatabaseUnavailable) return error;
  return isUnavailability(error) ? new DatabaseUnavailable(error) : null;
}

function isUnavailability(error: unknown): boolean {
  if (isDriverAdapterError(error)) {
    const { cause } = error;
    return ADAPTER_KINDS.has(cause.kind) || (cause.kind === "postgres" && SERVER_CODES.has(cause.code));
  }
  if (!(error instanceof Error)) return false;
  if ("code" in error && typeof error.code === "string" && SOCKET_CODES.has(error.code)) return true;
  return DRIVER_MESSAGES.includes(error.message);
}
