// @vitest-environment jsdom
import type { AppRouter } from "@saas/api";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createTRPCClient, TRPCClientError, type TRPCLink } from "@trpc/client";
import { observable } from "@trpc/server/observable";
import type { ReactNode } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TRPCProvider } from "~/lib/trpc";
import { BillingAccessButton } from "./billing-access-button";

afterEach(cleanup);

type Call = { path: string; input: unknown; resolve(value: unknown): void; reject(message: string): void };

/** A tRPC client whose calls the test answers by hand. */
function harness() {
  const calls: Call[] = [];
  const link: TRPCLink<AppRouter> =
    () =>
    ({ op }) =>
      observable((observer) => {
        calls.push({
          path: op.path,
          input: op.input,
          resolve: (data) => {
            observer.next({ result: { type: "data", data } });
            observer.complete();
          },
          reject: (message) => observer.error(new TRPCClientError(message)),
        });
      });
  const queryClient = new QueryClient({ defaultOptions: { mutations: { retry: false } } });
  const trpcClient = createTRPCClient<AppRouter>({ links: [link] });
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
  return { calls, wrapper };
}

describe("BillingAccessButton", () => {
  it("shows Preparing… and is disabled while the portal session is being created", async () => {
    const { calls, wrapper } = harness();
    render(<BillingAccessButton navigate={vi.fn()} />, { wrapper });
    await userEvent.click(screen.getByRole("button", { name: "Manage subscription" }));

    const button = await screen.findByRole("button", { name: "Preparing…" });
    expect(button).toHaveProperty("disabled", true);
    expect(calls.map((c) => c.path)).toEqual(["billing.createPortalSession"]);
    // A second click while pending sends nothing more.
    await userEvent.click(button);
    expect(calls).toHaveLength(1);
  });

  it("redirects to the portal URL the server returns", async () => {
    const { calls, wrapper } = harness();
    const navigate = vi.fn();
    render(<BillingAccessButton navigate={navigate} />, { wrapper });
    await userEvent.click(screen.getByRole("button", { name: "Manage subscription" }));
    await waitFor(() => expect(calls).toHaveLength(1));
    calls[0]?.resolve({ redirectUrl: "https://billing.stripe.test/p/session/abc" });
    await waitFor(() => expect(navigate).toHaveBeenCalledWith("https://billing.stripe.test/p/session/abc"));
    // Stays busy while the browser leaves for Stripe.
    expect(screen.getByRole("button", { name: "Preparing…" })).toHaveProperty("disabled", true);
  });

  it("shows the server's message in an alert and can be used again", async () => {
    const { calls, wrapper } = harness();
    const navigate = vi.fn();
    render(<BillingAccessButton navigate={navigate} />, { wrapper });
    await userEvent.click(screen.getByRole("button", { name: "Manage subscription" }));
    await waitFor(() => expect(calls).toHaveLength(1));
    calls[0]?.reject("Billing service unavailable");

    expect((await screen.findByRole("alert")).textContent).toBe("Billing service unavailable");
    const button = screen.getByRole("button", { name: "Manage subscription" });
    expect(button).toHaveProperty("disabled", false);
    expect(navigate).not.toHaveBeenCalled();

    await userEvent.click(button);
    await waitFor(() => expect(calls).toHaveLength(2));
  });

  it("deep-links into a portal flow", async () => {
    const { calls, wrapper } = harness();
    render(
      <BillingAccessButton flow="payment_method_update" navigate={vi.fn()}>
        Update payment method
      </BillingAccessButton>,
      { wrapper },
    );
    await userEvent.click(screen.getByRole("button", { name: "Update payment method" }));
    await waitFor(() => expect(calls[0]?.input).toEqual({ flow: "payment_method_update" }));
  });

  it("is a plain form post before hydration, so it works without JavaScript", () => {
    const { wrapper } = harness();
    const { container } = render(<BillingAccessButton flow="subscription_cancel" navigate={vi.fn()} />, { wrapper });
    const form = container.querySelector("form");
    expect(form?.getAttribute("method")).toBe("post");
    expect(Object.fromEntries(new FormData(form ?? undefined))).toEqual({
      intent: "portal",
      flow: "subscription_cancel",
    });
  });
});
