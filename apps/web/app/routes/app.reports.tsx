// A paid-only page: full access while subscribed, a warning during the grace period of a
// failed payment, and a refusal (403) without a paid plan.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { callerFor } from "~/lib/billing.server";

export const meta: MetaFunction = () => [{ title: "Reports · Acme SaaS" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const caller = await callerFor({ request, context });
  const entitlement = await caller.billing.entitlement();
  return data(
    { access: entitlement.access, reason: entitlement.reason },
    { status: entitlement.access === "none" ? 403 : 200 },
  );
}

export default function Reports() {
  const { access, reason } = useLoaderData<typeof loader>();
  return (
    <main className="stack">
      <h1>Reports</h1>
      {access === "none" ? (
        <>
          <p role="alert" className="alert error">
            Reports are part of the paid plans. {reason}.
          </p>
          <Link to="/settings/billing" className="button primary">
            See plans
          </Link>
        </>
      ) : (
        <>
          {access === "grace" ? (
            <p role="alert" className="alert warning">
              Your last payment failed. Update your payment method in <Link to="/settings/billing">Billing</Link> to
              keep access.
            </p>
          ) : null}
          <div className="card">
            <h2>Monthly summary</h2>
            <p className="muted">Your reports appear here.</p>
          </div>
        </>
      )}
    </main>
  );
}
