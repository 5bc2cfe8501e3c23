// A loopback HTTP proxy in front of the emulator, for the app's Stripe calls only. It counts
// every request the app makes and the status Stripe answered (429s included, once the
// emulator limits rates), so "Stripe requests per handled event" is counted outside the app,
// SDK retries and all. Optionally it holds each request for a fixed time first: Stripe's real
// round trip (tens to hundreds of ms) where the emulator answers in about one.
import http from "node:http";

export type StripeCounts = { requests: number; byStatus: Record<string, number> };

export type StripeProxy = {
  url: string;
  /** Requests answered so far, by status; a snapshot, for differences between two moments. */
  counts(): StripeCounts;
  stop(): Promise<void>;
};

export async function startStripeProxy(targetUrl: string, delayMs: number): Promise<StripeProxy> {
  const target = new URL(targetUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const byStatus: Record<string, number> = {};
  let requests = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const forward = () => {
        const upstream = http.request(
          { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent },
          (answer) => {
            const status = String(answer.statusCode ?? 502);
            requests++;
            byStatus[status] = (byStatus[status] ?? 0) + 1;
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        upstream.on("error", () => {
          requests++;
          byStatus.error = (byStatus.error ?? 0) + 1;
          res.writeHead(502).end();
        });
        upstream.end(Buffer.concat(chunks));
      };
      if (delayMs > 0) setTimeout(forward, delayMs);
      else forward();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("the Stripe proxy has no port");
  return {
    url: `http://127.0.0.1:${address.port}`,
    counts: () => ({ requests, byStatus: { ...byStatus } }),
    stop: () =>
      new Promise((resolve) => {
        agent.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** What was answered between two snapshots. */
export function countsSince(before: StripeCounts, after: StripeCounts): StripeCounts {
  const byStatus: Record<string, number> = {};
  for (const [status, n] of Object.entries(after.byStatus)) {
    const delta = n - (before.byStatus[status] ?? 0);
    if (delta) byStatus[status] = delta;
  }
  return { requests: after.requests - before.requests, byStatus };
}
