import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  Form,
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLoaderData,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import type { ReactNode } from "react";
import { ErrorPage, NotFoundPage } from "~/components/error-pages";
import { Providers } from "~/components/providers";
import { getSignedIn } from "~/lib/auth.server";
import { callerFor } from "~/lib/billing.server";
import { useNonce } from "~/lib/nonce";
import appStyles from "./styles/app.css?url";

export const links: LinksFunction = () => [
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
  { rel: "stylesheet", href: appStyles },
];

// Pages set their own titles; this one is for the error page below, which replaces them.
export const meta: MetaFunction = ({ error }) => (error ? [{ title: "Something went wrong · Acme SaaS" }] : []);

export async function loader(args: LoaderFunctionArgs) {
  const signedIn = await getSignedIn(args);
  if (!signedIn) return { user: null, organizations: [], path: "/" };
  const organizations = await (await callerFor(args)).organizations.list();
  const url = new URL(args.request.url);
  return {
    user: { email: signedIn.user.email },
    organizations: organizations.map(({ id, name, current }) => ({ id, name, current })),
    path: `${url.pathname}${url.search}`,
  };
}

type Organizations = Awaited<ReturnType<typeof loader>>["organizations"];

/** Only for users in more than one organization; a form, so it works before hydration too. */
function OrganizationSwitcher({ organizations, path }: { organizations: Organizations; path: string }) {
  if (organizations.length < 2) return null;
  const current = organizations.find((o) => o.current);
  return (
    <Form method="post" action="/organizations/switch" className="org-switcher">
      <input type="hidden" name="redirectTo" value={path} />
      <label htmlFor="organization-switcher" className="visually-hidden">
        Organization
      </label>
      <select id="organization-switcher" name="organizationId" defaultValue={current?.id} key={current?.id}>
        {organizations.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
      <button type="submit" className="button small">
        Switch
      </button>
    </Form>
  );
}

function Header() {
  const data = useRouteLoaderData<typeof loader>("root");
  return (
    <header className="site-header">
      <Link to="/" className="brand">
        Acme SaaS
      </Link>
      <nav aria-label="Account">
        {data?.user ? (
          <>
            <OrganizationSwitcher organizations={data.organizations} path={data.path} />
            <Link to="/organizations/new">New organization</Link>
            <Link to="/app/reports">Reports</Link>
            <Link to="/settings/billing">Settings</Link>
            <Form method="post" action="/logout">
              <button type="submit" className="link-button">
                Log out
              </button>
            </Form>
          </>
        ) : (
          <>
            <Link to="/login">Log in</Link>
            <Link to="/signup" className="button primary small">
              Sign up
            </Link>
          </>
        )}
      </nav>
    </header>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <Header />
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  // The query cache holds the current organization's data (billing status, notifications):
  // a new cache for each organization, so a switch never shows the previous one's.
  const current = useLoaderData<typeof loader>().organizations.find((o) => o.current)?.id ?? "";
  return (
    <Providers key={current}>
      <Outlet />
    </Providers>
  );
}

/**
 * Any error a route does not handle, rendered inside Layout (so under the CSP, with the
 * nonce on every script). Without it Remix's fallback shows the stack and adds an inline
 * script the policy blocks.
 */
export function ErrorBoundary() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  return status === 404 ? <NotFoundPage /> : <ErrorPage status={status} />;
}
