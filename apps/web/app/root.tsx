import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { Providers } from "~/components/providers";
import { getSignedIn } from "~/lib/auth.server";
import { useNonce } from "~/lib/nonce";
import appStyles from "./styles/app.css?url";

export const links: LinksFunction = () => [
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
  { rel: "stylesheet", href: appStyles },
];

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
