// Sessions for routes: who is signed in, and the guards that require it.
import { redirect } from "@remix-run/node";
import { createAuth } from "@saas/auth";

// Routes reach the auth package only through this server module, so none of it (or its
// native password hashing) can end up in the browser bundle.
export {
  changePassword,
  EmailTaken,
  emailSchema,
  passwordSchema,
  InvalidCredentials,
  logIn,
  loginSchema,
  safeRedirect,
  signUp,
  signupSchema,
  TooManyAttempts,
} from "@saas/auth";
import type { Session, User } from "@saas/auth";
import { db } from "./db.server";
import { env } from "./env.server";

export const auth = createAuth(db, { appBaseUrl: env.APP_BASE_URL });

export type SignedIn = { user: User; session: Session };

/** The signed-in user, or null. The session cookie never expires on its own: the server-side session does. */
export async function getSignedIn(request: Request): Promise<SignedIn | null> {
  const sessionId = auth.readSessionCookie(request.headers.get("Cookie") ?? "");
  if (!sessionId) return null;
  const { user, session } = await auth.validateSession(sessionId);
  return user && session ? { user, session } : null;
}

/** The signed-in user; otherwise a redirect to the login page that comes back here afterwards. */
export async function requireSignedIn(request: Request): Promise<SignedIn> {
  const signedIn = await getSignedIn(request);
  if (signedIn) return signedIn;
  const url = new URL(request.url);
  throw redirect(`/login?${new URLSearchParams({ redirectTo: `${url.pathname}${url.search}` })}`);
}

/** Starts a session for the user and redirects, with the cookie set. */
export async function startSession(userId: string, redirectTo: string): Promise<Response> {
  const session = await auth.createSession(userId, {});
  return redirect(redirectTo, { headers: { "Set-Cookie": auth.createSessionCookie(session.id).serialize() } });
}
