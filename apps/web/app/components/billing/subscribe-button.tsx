// "Subscribe" on a plan card: starts Stripe Checkout for that price.
import type { LookupKey } from "@saas/billing";
import { useMutation } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useTRPC } from "~/lib/trpc";
import { RedirectForm } from "./redirect-form";

export function SubscribeButton({ lookupKey, children }: { lookupKey: LookupKey; children: ReactNode }) {
  const trpc = useTRPC();
  const checkout = useMutation(
    trpc.billing.createCheckoutSession.mutationOptions({
      onSuccess: ({ redirectUrl }) => window.location.assign(redirectUrl),
    }),
  );
  return (
    <RedirectForm
      intent="checkout"
      fields={{ lookupKey }}
      mutation={{ ...checkout, mutate: () => checkout.mutate({ lookupKey }) }}
      pendingLabel="Redirecting…"
    >
      {children}
    </RedirectForm>
  );
}
