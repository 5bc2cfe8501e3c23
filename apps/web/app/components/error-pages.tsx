// The pages shown instead of a route's own: nothing at this address, or something broke.
// Plain markup under the site's stylesheet, so they render within the CSP like any page.
import { Link } from "@remix-run/react";

export function NotFoundPage() {
  return (
    <main className="narrow stack">
      <h1>Page not found</h1>
      <p className="muted">There is nothing at this address. The link may be wrong, or the page may have moved.</p>
      <p>
        <Link to="/">Go to the home page</Link>
      </p>
    </main>
  );
}

/** Never the error itself: its message and stack are for the server log, not the visitor. */
export function ErrorPage({ status }: { status: number }) {
  if (status === 503) {
    return (
      <main className="narrow stack">
        <h1>Temporarily unavailable</h1>
        <p className="muted">We could not reach our database just now. Please try again in a moment. (Error 503)</p>
        <p>
          <Link to="/">Go to the home page</Link>
        </p>
      </main>
    );
  }
  return (
    <main className="narrow stack">
      <h1>Something went wrong</h1>
      <p className="muted">
        {status >= 500
          ? "The error was on our side. Please try again in a moment."
          : "That request could not be completed."}{" "}
        (Error {status})
      </p>
      <p>
        <Link to="/">Go to the home page</Link>
      </p>
    </main>
  );
}
