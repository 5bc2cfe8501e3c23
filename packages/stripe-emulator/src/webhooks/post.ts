// HTTP POSTs of webhook payloads over keep-alive sockets, with a timeout.
import http from "node:http";
import https from "node:https";

export interface PostResult {
  status: number | null;
  error: string | null;
  durationMs: number;
}

export class Poster {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 64 });

  post(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<PostResult> {
    const started = performance.now();
    const target = new URL(url);
    const secure = target.protocol === "https:";
    return new Promise((resolve) => {
      let settled = false;
      const finish = (status: number | null, error: string | null) => {
        if (settled) return;
        settled = true;
        resolve({ status, error, durationMs: Math.round((performance.now() - started) * 100) / 100 });
      };
      const request = (secure ? https : http).request(
        target,
        {
          method: "POST",
          agent: secure ? this.httpsAgent : this.httpAgent,
          headers: {
            ...headers,
            "Content-Type": "application/json; charset=utf-8",
            "Content-Length": String(Buffer.byteLength(body)),
          },
        },
        (response) => {
          response.resume();
          response.on("end", () => finish(response.statusCode ?? null, null));
          response.on("error", (error) => finish(response.statusCode ?? null, error.message));
        },
      );
      request.setTimeout(timeoutMs, () => request.destroy(new Error(`timed out after ${timeoutMs} ms`)));
      request.on("error", (error) => finish(null, error.message));
      request.end(body);
    });
  }

  destroy(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
