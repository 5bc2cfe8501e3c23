// Sessions: Lucia v3 over PostgreSQL. Cookies are HttpOnly, SameSite=Lax, and Secure
// whenever the app is served over https.
import { Lucia, TimeSpan } from "lucia";
import type { PrismaClient } from "@saas/db";
import { PrismaAdapter } from "./adapter.ts";
import type { CurrentOrganization } from "./organizations.ts";

export function createAuth(db: PrismaClient, options: { appBaseUrl: string }) {
  return new Lucia(new PrismaAdapter(db), {
    // Lucia extends a session on use once half of this has passed.
    sessionExpiresIn: new TimeSpan(30, "d"),
    sessionCookie: {
      name: "session",
      expires: false,
      attributes: { secure: new URL(options.appBaseUrl).protocol === "https:", sameSite: "lax" },
    },
    getUserAttributes: (attributes) => ({ email: attributes.email, name: attributes.name }),
    // Filled by the session lookup from the user's memberships; null only for a user with none.
    getSessionAttributes: (attributes) => ({ organization: attributes.organization ?? null }),
  });
}

export type Auth = ReturnType<typeof createAuth>;

declare module "lucia" {
  interface Register {
    Lucia: Auth;
    DatabaseUserAttributes: { email: string; name: string | null };
    // Optional so a new session needs none: its organization is looked up with it on every request.
    DatabaseSessionAttributes: { organization?: CurrentOrganization | null };
  }
}
