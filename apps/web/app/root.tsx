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
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import type { ReactNode } from "react";
import { ErrorPage, NotFoundPage } from "~/components/error-pages";
import { Providers } from "~/components/providers";
import { getSignedIn } from "~/lib/auth.server";
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
  return { user: signedIn ? { email: signedIn.user.email } : null };
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
  return (
    <Providers>
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
