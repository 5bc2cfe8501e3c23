// The session is looked up once per page load (root, layout and page loaders share it),
// and afresh for an action, which may have changed the user or ended the session.
import type { AppLoadContext } from "@remix-run/node";
import type * as AuthModule from "@saas/auth";
import { DatabaseUnavailable } from "@saas/db/client";
import { beforeEach, describe, expect, it, vi } from "vitest";

const validateSession = vi.fn((id: string) =>
  Promise.resolve(
    id === "good"
      ? { user: { id: "u1", email: "a@example.com" }, session: { id, userId: "u1", fresh: false } }
      : { user: null, session: null },
  ),
);

vi.mock("./db.server", () => ({ db: {} }));
vi.mock("./settings.server", () => ({ appSettings: () => ({ appBaseUrl: "http://localhost:3000" }) }));
vi.mock("@saas/auth", async (importOriginal) => ({
  ...(await importOriginal<typeof AuthModule>()),
  createAuth: () => ({
    validateSession,
    sessionCookieName: "auth_session",
  }),
}));

const { getSignedIn, requireSignedIn } = await import("./auth.server");

const context = (): AppLoadContext => ({ clientIp: "127.0.0.1", cspNonce: "n", sessionLookups: new Map() });
const request = (method: string, cookie?: string) =>
  new Request("http://localhost:3000/settings/billing", { method, headers: cookie ? { Cookie: cookie } : {} });

describe("getSignedIn", () => {
  beforeEach(() => validateSession.mockClear());

  it("validates the session once for all the loaders of one request", async () => {
    const shared = context();
    const results = await Promise.all(
      [1, 2, 3].map(() => getSignedIn({ request: request("GET", "auth_session=good"), context: shared })),
    );
    expect(results.map((r) => r?.user.email)).toEqual(["a@example.com", "a@example.com", "a@example.com"]);
    expect(validateSession).toHaveBeenCalledTimes(1);
  });

  it("validates again for the next request", async () => {
    await getSignedIn({ request: request("GET", "auth_session=good"), context: context() });
    await getSignedIn({ request: request("GET", "auth_session=good"), context: context() });
    expect(validateSession).toHaveBeenCalledTimes(2);
  });

  it("validates afresh for an action and leaves nothing for the loaders after it", async () => {
    const shared = context();
    await getSignedIn({ request: request("POST", "auth_session=good"), context: shared });
    await getSignedIn({ request: request("POST", "auth_session=good"), context: shared });
    expect(validateSession).toHaveBeenCalledTimes(2);
    expect(shared.sessionLookups.size).toBe(0);
  });

  it("answers 503 (the temporarily-unavailable page) when the database does not answer", async () => {
    validateSession.mockRejectedValueOnce(
      new DatabaseUnavailable(new Error("timeout exceeded when trying to connect")),
    );
    const failure = await getSignedIn({ request: request("GET", "auth_session=good"), context: context() }).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Response);
    expect((failure as Response).status).toBe(503);
  });

  it("does not let one cookie's answer stand for another's", async () => {
    const shared = context();
    expect(await getSignedIn({ request: request("GET", "auth_session=good"), context: shared })).not.toBeNull();
    expect(await getSignedIn({ request: request("GET", "auth_session=stale"), context: shared })).toBeNull();
  });

  it("finds the session cookie beside a malformed one, and ignores a malformed one alone", async () => {
    const beside = await getSignedIn({
      request: request("GET", "_ga=%E0%A4%A; auth_session=good"),
      context: context(),
    });
    expect(beside?.user.email).toBe("a@example.com");
    expect(await getSignedIn({ request: request("GET", "_ga=%E0%A4%A"), context: context() })).toBeNull();
    expect(validateSession).toHaveBeenCalledTimes(1);
  });

  it("without a cookie there is no session and no lookup; requireSignedIn sends to login and back", async () => {
    expect(await getSignedIn({ request: request("GET"), context: context() })).toBeNull();
    expect(validateSession).not.toHaveBeenCalled();
    const thrown = await requireSignedIn({ request: request("GET"), context: context() }).catch(
      (error: unknown) => error,
    );
    expect(thrown).toBeInstanceOf(Response);
    expect((thrown as Response).headers.get("Location")).toBe("/login?redirectTo=%2Fsettings%2Fbilling");
  });
});
