// A database that stops answering after the session was read: a page shows the
// "temporarily unavailable" page (503), not a bare 500; a form action keeps the message it
// shows beside the form. The database here is a server that accepts connections and never
// answers, as a stalled PostgreSQL does.
import { createServer, type AddressInfo, type Socket } from "node:net";
import type { AppLoadContext } from "@remix-run/node";
import type * as AuthServer from "./auth.server";
import { afterAll, describe, expect, it, vi } from "vitest";

const hole = vi.hoisted(() => ({ url: "" }));

vi.mock("./settings.server", () => ({
  appSettings: () => ({
    databaseUrl: hole.url,
    appBaseUrl: "http://localhost:3000",
    stripe: {
      secretKey: "sk_test_unused",
      apiBase: "http://127.0.0.1:9",
      webhookSecrets: ["whsec_x"],
      timeoutMs: 1_000,
    },
  }),
}));
vi.mock("./db.server", async () => {
  const { createDb } = await import("@saas/db/client");
  return { db: createDb(hole.url, { connectionTimeoutMs: 300 }) };
});
// The session was read just before the database stalled: the owner of their personal organization.
const organization = { id: "o1", name: "Personal", slug: "personal-1", role: "owner" as const };
const signedIn = { user: { id: "u1", email: "a@example.com" }, session: { id: "s1", organization } };
vi.mock("./auth.server", async (importOriginal) => ({
  ...(await importOriginal<typeof AuthServer>()),
  requireSignedIn: () => Promise.resolve(signedIn),
  getSignedIn: () => Promise.resolve(signedIn),
  requireOrganization: () => Promise.resolve({ ...signedIn, organization }),
}));

const held = new Set<Socket>();
const silent = createServer((socket) => held.add(socket));
await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
hole.url = `postgresql://app:app@127.0.0.1:${(silent.address() as AddressInfo).port}/app`;
afterAll(async () => {
  for (const socket of held) socket.destroy();
  await new Promise<void>((resolve) => silent.close(() => resolve()));
});

const { loader, action } = await import("~/routes/settings.billing");
const invitationPage = await import("~/routes/invitations.$token");
const context = (): AppLoadContext => ({ clientIp: "127.0.0.1", cspNonce: "n", sessionLookups: new Map() });
const url = "http://localhost:3000/settings/billing";

describe("Settings → Billing while the database does not answer", () => {
  it("the page answers 503, the temporarily-unavailable page", async () => {
    const failure = await loader({ request: new Request(url), context: context(), params: {} }).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Response);
    expect((failure as Response).status).toBe(503);
  });

  it("a form action shows the message beside the form instead", async () => {
    const request = new Request(url, { method: "POST", body: new URLSearchParams({ intent: "portal" }) });
    const result = await action({ request, context: context(), params: {} });
    expect(result).toEqual({ error: "Temporarily unavailable. Please try again in a moment." });
  });
});

describe("an invitation's page while the database does not answer", () => {
  it("answers 503, the temporarily-unavailable page, rather than a 500", async () => {
    const request = new Request("http://localhost:3000/invitations/some-token");
    const failure = await invitationPage
      .loader({ request, context: context(), params: { token: "some-token" } })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Response);
    expect((failure as Response).status).toBe(503);
  });
});
