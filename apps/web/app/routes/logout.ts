// POST /logout: ends the session server-side and clears the cookie. GET does nothing,
// so a link or an image on another site cannot sign anyone out.
import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { auth, getSignedIn } from "~/lib/auth.server";

export function loader() {
  return redirect("/");
}

export async function action({ request, context }: ActionFunctionArgs) {
  const signedIn = await getSignedIn({ request, context });
  if (signedIn) await auth.invalidateSession(signedIn.session.id);
  return redirect("/", { headers: { "Set-Cookie": auth.createBlankSessionCookie().serialize() } });
}
