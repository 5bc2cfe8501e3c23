// The body limit in front of every handler, on a real HTTP server: bodies within it reach
// the handler whole; bodies past it, declared or chunked, never reach it at all.
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { MAX_WEBHOOK_BYTES } from "@saas/billing";
import express from "express";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { postChunked } from "../tests/e2e/support/raw-http.ts";
import { bodyLimitFor, limitBody } from "./body-limit.ts";

const LIMIT = 8 * 1024;
let server: http.Server;
let base: string;
/** Bodies the handler behind the limit read to the end. */
let received: string[] = [];

beforeAll(async () => {
  const app = express();
  app.use(limitBody({ limitFor: () => LIMIT, lingerMs: 300 }));
  app.all("*", (req, res, next) => {
    void text(req).then((body) => {
      received.push(body);
      res.json({ length: body.length });
    }, next);
  });
  server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
async function text(stream: AsyncIterable<unknown>): Promise<string> {
  let body = "";
  for await (const chunk of stream) body += String(chunk);
  return body;
}

afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => {
  received = [];
});

describe("limitBody", () => {
  it("hands a body within the limit to the handler whole, declared or chunked", async () => {
    const declared = await fetch(`${base}/form`, { method: "POST", body: "a".repeat(LIMIT) });
    expect(await declared.json()).toEqual({ length: LIMIT });

    const chunked = await postChunked(`${base}/form`, { chunk: "b".repeat(1024), count: 8 });
    expect(chunked.status).toBe(200);
    expect(received).toEqual(["a".repeat(LIMIT), "b".repeat(LIMIT)]);
  });

  it("refuses a declared Content-Length past the limit with a short 413", async () => {
    const response = await fetch(`${base}/form`, { method: "POST", body: "a".repeat(LIMIT + 1) });
    expect(response.status).toBe(413);
    expect((await response.text()).length).toBeLessThan(100);
    expect(received).toEqual([]);
  });

  it("refuses a chunked body once it passes the limit, before the handler starts", async () => {
    const response = await postChunked(`${base}/form`, { chunk: "c".repeat(1024), count: 4096 });
    expect(response.status).toBe(413);
    expect(response.body.length).toBeLessThan(100);
    expect(received).toEqual([]);
  });

  it("hangs up on a client that keeps sending after the 413, once the linger time is over", async () => {
    const socket = net.connect((server.address() as AddressInfo).port, "127.0.0.1");
    socket.on("error", () => {});
    let answer = "";
    socket.on("data", (data: Buffer) => (answer += data.toString()));
    socket.write("POST /form HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
    const chunk = `400\r\n${"e".repeat(1024)}\r\n`;
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    let open = true;
    void closed.then(() => (open = false));
    // An endless body: it only stops when the server hangs up.
    for (let sent = 0; open && sent < 100_000; sent++) {
      if (!socket.write(chunk)) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(received).toEqual([]);
  });

  it("keeps the connection of a refused client that finishes its body, for its next request", async () => {
    const socket = net.connect((server.address() as AddressInfo).port, "127.0.0.1");
    let answers = "";
    socket.on("data", (data: Buffer) => (answers += data.toString()));
    const chunk = `400\r\n${"f".repeat(1024)}\r\n`;
    socket.write(`POST /form HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${chunk.repeat(20)}0\r\n\r\n`);
    socket.write("GET /page HTTP/1.1\r\nHost: x\r\n\r\n");
    await vi.waitFor(() => expect(answers).toContain('{"length":0}'), { timeout: 2_000 });
    expect(answers).toMatch(/^HTTP\/1\.1 413 [\s\S]*HTTP\/1\.1 200 /);
    socket.destroy();
  });

  it("lets requests without a body through untouched", async () => {
    const response = await fetch(`${base}/page`);
    expect(await response.json()).toEqual({ length: 0 });
  });

  it("gives up on a client that leaves mid-body, and keeps serving others", async () => {
    const request = http.request(`${base}/form`, { method: "POST", headers: { "Transfer-Encoding": "chunked" } });
    request.on("error", () => {});
    request.write("d".repeat(1024));
    await new Promise((resolve) => setTimeout(resolve, 50));
    request.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toEqual([]);
    expect((await fetch(`${base}/form`, { method: "POST", body: "ok" })).status).toBe(200);
  });
});

describe("bodyLimitFor", () => {
  it("gives the Stripe webhook its own limit and everything else the form limit", () => {
    expect(bodyLimitFor("/api/webhooks/stripe")).toBe(MAX_WEBHOOK_BYTES);
    expect(bodyLimitFor("/login")).toBe(64 * 1024);
    expect(bodyLimitFor("/api/trpc/billing.createCheckoutSession")).toBe(64 * 1024);
  });
});
