// Everything under /settings requires a session.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { requireSignedIn } from "~/lib/auth.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user, session } = await requireSignedIn({ request, context });
  const organization = session.organization && { name: session.organization.name, role: session.organization.role };
  return { email: user.email, organization };
}

export default function Settings() {
  const { email, organization } = useLoaderData<typeof loader>();
  return (
    <main>
      <h1>Settings</h1>
      <p className="muted">
        Signed in as {email}
        {organization ? (
          <>
            {" "}
            · <span data-testid="current-organization">{organization.name}</span> ({organization.role})
          </>
        ) : null}
      </p>
      <nav aria-label="Settings" className="tabs">
        <NavLink to="/settings/billing">Billing</NavLink>
        <NavLink to="/settings/members">Members</NavLink>
        <NavLink to="/settings/account">Account</NavLink>
      </nav>
      <Outlet />
    </main>
  );
}
