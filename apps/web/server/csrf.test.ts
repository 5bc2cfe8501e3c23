// The Origin check in front of every handler, on a real HTTP server: another site's page can
// make a signed-in browser post to us, and this is what refuses it, tRPC included.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { requireSameOrigin } from "./csrf.ts";

const APP = "http://app.example:3000";
let server: Server;
let base: string;
/** The paths of the requests that got past the check. */
let reached: string[] = [];

beforeAll(async () => {
  const app = express();
  app.use(requireSameOrigin(APP));
  app.all("*", (req, res) => {
    reached.push(req.path);
    res.json({ ok: true });
  });
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => {
  reached = [];
});

const post = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: "{}" });

describe("requireSameOrigin", () => {
  it.each(["/api/trpc/billing.createPortalSession", "/api/trpc/notifications.dismiss", "/settings/billing"])(
    "refuses a cross-site POST to %s with 403, before any handler",
    async (path) => {
      const fromElsewhere = await post(path, { Origin: "https://evil.example" });
      expect(fromElsewhere.status).toBe(403);
      expect(await fromElsewhere.text()).toMatch(/Cross-site request refused/);
      const noOriginAtAll = await post(path);
      expect(noOriginAtAll.status).toBe(403);
      expect(reached).toEqual([]);
    },
  );

  it("lets same-origin posts through, by Origin or, lacking it, by Referer", async () => {
    expect((await post("/api/trpc/billing.createPortalSession", { Origin: APP })).status).toBe(200);
    expect((await post("/settings/billing", { Referer: `${APP}/settings/billing` })).status).toBe(200);
    expect(reached).toEqual(["/api/trpc/billing.createPortalSession", "/settings/billing"]);
  });

  it("lets Stripe's webhook through: server to server, no Origin, authenticated by its signature", async () => {
    const response = await post("/api/webhooks/stripe", { "Stripe-Signature": "t=1,v1=abc" });
    expect(response.status).toBe(200);
    expect(reached).toEqual(["/api/webhooks/stripe"]);
  });

  it("lets reads through from anywhere", async () => {
    const response = await fetch(`${base}/api/trpc/billing.status`, { headers: { Origin: "https://evil.example" } });
    expect(response.status).toBe(200);
  });
});
