// Requests Playwright's client cannot make: a body sent in chunks with no Content-Length,
// as a client streaming an upload (or an attacker) would.
import http from "node:http";

export type RawResponse = { status: number; headers: http.IncomingHttpHeaders; body: string };

/**
 * POSTs `count` copies of `chunk` with Transfer-Encoding: chunked. Stops sending once the
 * server answers, as a well-behaved client does, and tolerates the server closing the
 * connection on the rest.
 */
export function postChunked(
  url: string,
  options: { chunk: string; count: number; headers?: Record<string, string> },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const request = http.request(url, {
      method: "POST",
      headers: { ...options.headers, "Transfer-Encoding": "chunked" },
    });
    request.on("response", (response) => {
      answered = true;
      const parts: Buffer[] = [];
      response.on("data", (part: Buffer) => parts.push(part));
      response.on("end", () => {
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(parts).toString() });
        // The rest of the body will not be sent; the connection cannot be reused.
        request.destroy();
      });
      response.on("error", reject);
    });
    request.on("error", (error) => {
      if (!answered) reject(error);
    });
    const writable = () =>
      new Promise<void>((ready) => {
        const done = () => {
          request.off("drain", done).off("close", done);
          ready();
        };
        request.on("drain", done).on("close", done);
      });
    void (async () => {
      for (let sent = 0; sent < options.count && !answered && !request.destroyed; sent++) {
        if (!request.write(options.chunk)) await writable();
      }
      if (!answered && !request.destroyed) request.end();
    })();
  });
}
