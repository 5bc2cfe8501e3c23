// Sessions for routes: who is signed in, and the guards that require it.
import { redirect, type AppLoadContext } from "@remix-run/node";
import { createAuth, hasRole, switchOrganization, type CurrentOrganization, type MembershipRole } from "@saas/auth";
import { DatabaseUnavailable } from "@saas/db/client";

// Routes reach the auth package only through this server module, so none of it (or its
// native password hashing) can end up in the browser bundle.
export {
  changePassword,
  EmailTaken,
  emailSchema,
  hasRole,
  passwordSchema,
  InvalidCredentials,
  logIn,
  loginSchema,
  NotAMember,
  safeRedirect,
  signUp,
  signupSchema,
  TooManyAttempts,
} from "@saas/auth";
import { emailSchema, type Session, type User } from "@saas/auth";
import { db } from "./db.server";
import { readCookie } from "./read-cookie";
import { appSettings } from "./settings.server";

export const auth = createAuth(db, { appBaseUrl: appSettings().appBaseUrl });

export type SignedIn = { user: User; session: Session };

/**
 * The longest email the forms accept, and so the most of one they echo back (RFC 5321's
 * 254 should the rule ever drop its own).
 */
export const EMAIL_MAX_LENGTH = emailSchema.out.maxLength ?? 254;

/** What loaders and actions are given: the request and the per-request load context. */
export type RequestArgs = { request: Request; context: AppLoadContext };

/**
 * The signed-in user, or null. The session cookie never expires on its own: the server-side
 * session does. Looked up once per page load: the root, layout and page loaders share it
 * through the load context. An action (which may change the user or end the session) always
 * looks it up afresh and leaves nothing for the loaders that run after it.
 */
export function getSignedIn({ request, context }: RequestArgs): Promise<SignedIn | null> {
  const cookie = request.headers.get("Cookie");
  if (request.method !== "GET" && request.method !== "HEAD") return signedInForPage(cookie);
  const key = cookie ?? "";
  let pending = context.sessionLookups.get(key);
  if (!pending) {
    pending = signedInForPage(cookie);
    context.sessionLookups.set(key, pending);
  }
  return pending;
}

/** What a page shows when the database does not answer: the "temporarily unavailable" page (503). */
export function pageUnavailable(): Response {
  return new Response("Temporarily unavailable", { status: 503 });
}

/**
 * Every page looks the session up first: a database that does not answer becomes the
 * "temporarily unavailable" page (503) at once, rather than a hang or a bare 500.
 */
function signedInForPage(cookie: string | null): Promise<SignedIn | null> {
  return signedInFromCookie(cookie).catch((error: unknown) => {
    if (error instanceof DatabaseUnavailable) throw pageUnavailable();
    throw error;
  });
}

/** The session a Cookie header names, validated (and extended past its half-life), or null. */
export async function signedInFromCookie(cookieHeader: string | null | undefined): Promise<SignedIn | null> {
  // Not auth.readSessionCookie: Lucia decodes every cookie in the header and throws on
  // any malformed one, someone else's included.
  const sessionId = readCookie(cookieHeader, auth.sessionCookieName);
  if (!sessionId) return null;
  const { user, session } = await auth.validateSession(sessionId);
  return user && session ? { user, session } : null;
}

/** The signed-in user; otherwise a redirect to the login page that comes back here afterwards. */
export async function requireSignedIn(args: RequestArgs): Promise<SignedIn> {
  const signedIn = await getSignedIn(args);
  if (signedIn) return signedIn;
  const url = new URL(args.request.url);
  throw redirect(`/login?${new URLSearchParams({ redirectTo: `${url.pathname}${url.search}` })}`);
}

export type InOrganization = SignedIn & { organization: CurrentOrganization };

/**
 * The loader and action guard for organization pages: the signed-in user (else the login
 * redirect) and their session's current organization, re-checked against their memberships
 * by this request's session lookup, with at least `role` in it; otherwise 403. The
 * organization always comes from the session, never from the request.
 */
export async function requireOrganization(args: RequestArgs, role: MembershipRole): Promise<InOrganization> {
  const signedIn = await requireSignedIn(args);
  const { organization } = signedIn.session;
  if (!organization || !hasRole(organization.role, role)) {
    throw new Response("You do not have access to that in this organization.", { status: 403 });
  }
  return { ...signedIn, organization };
}

/** Makes `organizationId` the session's current organization; NotAMember unless the user belongs to it. */
export async function switchToOrganization(signedIn: SignedIn, organizationId: string): Promise<void> {
  await switchOrganization(db, { sessionId: signedIn.session.id, userId: signedIn.user.id, organizationId });
}

/** Starts a session for the user and redirects, with the cookie set. */
export async function startSession(userId: string, redirectTo: string): Promise<Response> {
  const session = await auth.createSession(userId, {});
  return redirect(redirectTo, { headers: { "Set-Cookie": auth.createSessionCookie(session.id).serialize() } });
}
