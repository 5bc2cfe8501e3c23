import type { MetaFunction } from "@remix-run/node";

export const meta: MetaFunction = () => [
  { title: "Acme SaaS" },
  { name: "description", content: "Subscription billing on the Stripe Customer Portal" },
];

export default function Index() {
  return (
    <main>
      <h1>Acme SaaS</h1>
      <p className="muted">
        Pick a plan, pay with Stripe Checkout, and manage your subscription from Settings → Billing.
      </p>
    </main>
  );
}
