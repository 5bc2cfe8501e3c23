// Keeps other web pages out of /_emulator/*. Any site a developer visits can send a "simple"
// cross-origin POST (form-encoded or text/plain, no preflight) to 127.0.0.1:12111 and reset
// the emulator or inject faults; the browser only hides the answer. So: a request that
// names another origin is refused, and a state-changing one must carry what no simple
// request can, the X-Emulator-Control header or a JSON body (either makes a browser ask
// first, and the emulator answers no preflight).
import type { IncomingHttpHeaders } from "node:http";

export const CONTROL_HEADER = "X-Emulator-Control";

const SIMPLE_CONTENT_TYPES = new Set(["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"]);

/** The emulator's own origins: its URL, and the other loopback names when it listens on loopback. */
export function ownOrigins(url: string): Set<string> {
  const { protocol, hostname, port } = new URL(url);
  const loopback = ["127.0.0.1", "localhost", "[::1]"];
  const hosts = loopback.includes(hostname) ? loopback : [hostname];
  return new Set(hosts.map((host) => `${protocol}//${host}${port ? `:${port}` : ""}`));
}

/** Why the request is refused, or null to serve it. */
export function refuseControlRequest(
  method: string,
  headers: IncomingHttpHeaders,
  origins: ReadonlySet<string>,
): string | null {
  const origin = headers.origin;
  if (origin !== undefined && !origins.has(origin)) {
    return `The emulator's control API only answers its own origin, not ${origin}.`;
  }
  if (method === "GET" || method === "HEAD") return null;
  if (headers[CONTROL_HEADER.toLowerCase()] === "1") return null;
  const type = headers["content-type"]?.split(";")[0]?.trim().toLowerCase();
  if (type && !SIMPLE_CONTENT_TYPES.has(type)) return null;
  return `A ${method} to the emulator's control API needs the header "${CONTROL_HEADER}: 1" or a JSON body.`;
}
