// A button that asks the server for a Stripe URL and goes there. Before hydration it
// is a plain form post to the page's action; after, a tRPC mutation with a loading
// state and the server's message in an alert.
import { useEffect, useState, type ReactNode } from "react";

type RedirectMutation = {
  mutate: () => void;
  isPending: boolean;
  isSuccess: boolean;
  error: { message: string } | null;
};

type Props = {
  intent: string;
  fields?: Record<string, string>;
  mutation: RedirectMutation;
  children: ReactNode;
  pendingLabel?: string;
  className?: string;
};

function useHydrated(): boolean {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}

export function RedirectForm({
  intent,
  fields = {},
  mutation,
  children,
  pendingLabel = "Preparing…",
  className = "button primary",
}: Props) {
  const hydrated = useHydrated();
  // Still busy after success: the browser is on its way to Stripe.
  const busy = mutation.isPending || mutation.isSuccess;
  return (
    <form
      method="post"
      className="redirect-form"
      onSubmit={(event) => {
        if (!hydrated) return;
        event.preventDefault();
        if (!busy) mutation.mutate();
      }}
    >
      <input type="hidden" name="intent" value={intent} />
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <button type="submit" className={className} disabled={busy} aria-busy={busy || undefined}>
        {busy ? pendingLabel : children}
      </button>
      {mutation.error && !busy ? (
        <p role="alert" className="alert error">
          {mutation.error.message}
        </p>
      ) : null}
    </form>
  );
}
