// A bare node:http server in a process of its own: reads the whole body and answers a small
// JSON 200, as the empty Remix route does, with nothing in front. The machine's ceiling for
// an HTTP request in Node. Forked by start-bare-http.ts; tells its port over IPC.
import http from "node:http";

const body = JSON.stringify({ received: true });
const server = http.createServer((req, res) => {
  req.on("data", () => {});
  req.on("end", () => {
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.send?.({ port: typeof address === "object" && address ? address.port : 0 });
});
const stop = () => server.close(() => process.exit(0));
process.once("SIGTERM", stop);
process.once("disconnect", stop);
