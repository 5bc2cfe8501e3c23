import type { MetaFunction } from "@remix-run/node";

export const meta: MetaFunction = () => [{ title: "Billing · Acme SaaS" }];

export default function Billing() {
  return (
    <section aria-labelledby="billing-heading">
      <h2 id="billing-heading">Billing</h2>
      <p className="muted">Your plan and payment details appear here.</p>
    </section>
  );
}
