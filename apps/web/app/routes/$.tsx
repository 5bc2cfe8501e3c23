// Every URL no other route matches: the 404 page, rendered inside the site's layout (so
// with the signed-in header, and every script carrying the CSP nonce) rather than by
// Remix's fallback document.
import { data, type MetaFunction } from "@remix-run/node";
import { NotFoundPage } from "~/components/error-pages";

export const meta: MetaFunction = () => [{ title: "Page not found · Acme SaaS" }];

export function loader() {
  return data(null, { status: 404 });
}

// A form posted to a URL that does not exist is not found either (not "method not allowed").
export const action = loader;

export default NotFoundPage;
