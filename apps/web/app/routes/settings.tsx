// Everything under /settings requires a session.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { requireSignedIn } from "~/lib/auth.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireSignedIn({ request, context });
  return { email: user.email };
}

export default function Settings() {
  const { email } = useLoaderData<typeof loader>();
  return (
    <main>
      <h1>Settings</h1>
      <p className="muted">Signed in as {email}</p>
      <nav aria-label="Settings" className="tabs">
        <NavLink to="/settings/billing">Billing</NavLink>
        <NavLink to="/settings/account">Account</NavLink>
      </nav>
      <Outlet />
    </main>
  );
}
