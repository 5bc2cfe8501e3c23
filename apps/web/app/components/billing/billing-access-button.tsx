// "Manage subscription" (and the portal's deep links): opens the Stripe Customer Portal.
import type { RouterInputs } from "@saas/api";
import { useMutation } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useTRPC } from "~/lib/trpc";
import { RedirectForm } from "./redirect-form";

type PortalFlow = Extract<RouterInputs["billing"]["createPortalSession"], object>["flow"];

export function BillingAccessButton({
  flow,
  children = "Manage subscription",
  className,
  navigate = (url: string) => window.location.assign(url),
}: {
  flow?: PortalFlow;
  children?: ReactNode;
  className?: string;
  navigate?: (url: string) => void;
}) {
  const trpc = useTRPC();
  const portal = useMutation(
    trpc.billing.createPortalSession.mutationOptions({ onSuccess: ({ redirectUrl }) => navigate(redirectUrl) }),
  );
  return (
    <RedirectForm
      intent="portal"
      fields={flow ? { flow } : {}}
      mutation={{ ...portal, mutate: () => portal.mutate(flow ? { flow } : undefined) }}
      {...(className ? { className } : {})}
    >
      {children}
    </RedirectForm>
  );
}
