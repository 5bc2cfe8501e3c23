// The /api/trpc endpoint over real HTTP, with the real router: one request cannot fan out
// into hundreds of procedure calls (each a Stripe call), and a database that does not
// answer is a 503, not a 500.
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { DatabaseUnavailable } from "@saas/db/client";
import express from "express";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

const portalSessions = vi.fn(() => Promise.resolve({ url: "https://billing.example/p/session/bps_1" }));
const signedInFromCookie = vi.fn((_cookie: string | undefined) =>
  Promise.resolve({
    user: { id: "u1", email: "a@example.com" },
    session: { organization: { id: "o1", name: "Personal", slug: "personal-1", role: "owner" } },
  }),
);

// Just enough database for the rate limit and createPortalSession, one statement each: the
// one row answers both, that the call was counted and that the customer has no subscription
// (so the portal opens with the configured, default configuration).
const db = {
  $queryRaw: () => Promise.resolve([{ refused: false, freeing: null, stripeCustomerId: "cus_1" }]),
};

vi.mock("./auth.server", () => ({ signedInFromCookie }));
vi.mock("./billing.server", async () => {
  const { appRouter, createContext } = await import("@saas/api");
  const stripe = { billingPortal: { sessions: { create: portalSessions } } };
  return {
    appRouter,
    trpcContext: (signedIn: Awaited<ReturnType<typeof signedInFromCookie>> | null) =>
      createContext({
        db,
        stripe,
        config: { appBaseUrl: "http://localhost:3000" },
        user: signedIn?.user ?? null,
        organization: signedIn?.session.organization ?? null,
      } as unknown as Parameters<typeof createContext>[0]),
  };
});

const { trpcMiddleware } = await import("./trpc-handler.server");

let server: Server;
let baseUrl: string;
beforeAll(async () => {
  const app = express().use("/api/trpc", trpcMiddleware);
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  portalSessions.mockClear();
  signedInFromCookie.mockClear();
});

/** One HTTP request carrying `size` createPortalSession calls, as httpBatchLink sends them. */
function portalBatch(size: number) {
  const paths = Array.from({ length: size }, () => "billing.createPortalSession").join(",");
  const body = JSON.stringify(Object.fromEntries(Array.from({ length: size }, (_, i) => [i, {}])));
  return fetch(`${baseUrl}/api/trpc/${paths}?batch=1`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body,
  });
}

describe("POST /api/trpc", () => {
  it.each([400, 11])("refuses a batch of %i calls whole, before any of them reaches Stripe", async (size) => {
    const response = await portalBatch(size);
    expect(portalSessions).toHaveBeenCalledTimes(0);
    expect(response.status).toBe(400);
  });

  it("still serves the small batches the app's own pages send", async () => {
    const response = await portalBatch(10);
    expect(response.status).toBe(200);
    expect(portalSessions).toHaveBeenCalledTimes(10);
  });

  it("answers 503 SERVICE_UNAVAILABLE when the session cannot be read as the database does not answer", async () => {
    signedInFromCookie.mockRejectedValueOnce(
      new DatabaseUnavailable(new Error("timeout exceeded when trying to connect")),
    );
    const response = await portalBatch(1);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject([{ error: { data: { code: "SERVICE_UNAVAILABLE" } } }]);
    expect(portalSessions).not.toHaveBeenCalled();
  });
});
