// A keep-alive HTTP/1.1 client on node:http. The load generator shares two cores with
// the server, PostgreSQL and the emulator, so it uses the cheapest client Node has
// (fetch costs several times more CPU per request) to leave the cores to the app.
import http from "node:http";
import { brotliDecompressSync, gunzipSync, inflateSync } from "node:zlib";

/** `body` decoded; `wireBytes` as sent, before any content-encoding is undone. */
export type HttpResult = {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
  ms: number;
  wireBytes: number;
};

const DECODE: Record<string, (bytes: Buffer) => Buffer> = {
  gzip: gunzipSync,
  br: brotliDecompressSync,
  deflate: inflateSync,
};

export class HttpClient {
  readonly agent: http.Agent;

  constructor(
    readonly baseUrl: string,
    maxSockets: number,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  request(
    method: string,
    path: string,
    options: { body?: string; headers?: Record<string, string> } = {},
  ): Promise<HttpResult> {
    const url = new URL(path, this.baseUrl);
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers["content-length"] = String(Buffer.byteLength(options.body));
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const req = http.request(
        {
          method,
          host: url.hostname,
          port: url.port,
          path: `${url.pathname}${url.search}`,
          headers,
          agent: this.agent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => {
            const ms = performance.now() - started;
            try {
              const wire = Buffer.concat(chunks);
              const decode = DECODE[String(res.headers["content-encoding"] ?? "identity")];
              const body = (decode ? decode(wire) : wire).toString("utf8");
              resolve({ status: res.statusCode ?? 0, body, headers: res.headers, ms, wireBytes: wire.length });
            } catch (error) {
              reject(error instanceof Error ? error : new Error(String(error)));
            }
          });
          res.on("error", reject);
        },
      );
      // A hung server must not hang the benchmark.
      req.setTimeout(60_000, () => req.destroy(new Error(`${method} ${path} timed out after 60 s`)));
      req.on("error", reject);
      req.end(options.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
