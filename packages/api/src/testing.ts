// Test helpers: the context fields a signed-in request carries, as the session lookup fills them.
import type { MembershipRole } from "@saas/auth";
import type { PrismaClient } from "@saas/db";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import type { Context } from "./context.ts";
import { appRouter } from "./root.ts";

type TestUser = { id: string; email: string; organization: { id: string; name: string; slug: string } };

/** A user working in `organization` with `role`; by default their personal organization, as its owner. */
export function signedInAs(
  user: TestUser,
  organization: { id: string; name: string; slug: string } = user.organization,
  role: MembershipRole = "owner",
): Pick<Context, "user" | "organization"> {
  return {
    user: { id: user.id, email: user.email },
    organization: { id: organization.id, name: organization.name, slug: organization.slug, role },
  };
}

export const SIGNED_OUT: Pick<Context, "user" | "organization"> = { user: null, organization: null };

/** Calls over HTTP, as a browser (or a hand-made request) sends them, answered by the real router. */
export function overTheWire(baseUrl: string, createContext: () => Context) {
  const handle = (req: Request) =>
    fetchRequestHandler({ endpoint: "/api/trpc", req, router: appRouter, createContext });
  return {
    get: (procedure: string, input: unknown) =>
      handle(new Request(`${baseUrl}/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`)),
    post: (procedure: string, input: unknown) =>
      handle(
        new Request(`${baseUrl}/api/trpc/${procedure}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(input),
        }),
      ),
  };
}

/** The link token of the queued invitation email to `email` (only the email's job holds it). */
export async function invitationTokenFor(db: PrismaClient, email: string): Promise<string> {
  const [row] = await db.$queryRaw<Array<{ token: string }>>`
    SELECT j.payload->'secret'->>'token' AS token
    FROM graphile_worker._private_jobs j JOIN email_log e ON j.key = 'email:' || e.key
    WHERE e.recipient = ${email} AND e.status = 'queued'`;
  if (!row) throw new Error(`no invitation email to ${email}`);
  return row.token;
}
