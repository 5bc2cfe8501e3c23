// What every procedure receives: the billing dependencies, who is asking, and the
// organization their session is working in.
import type { CurrentOrganization } from "@saas/auth";
import type { BillingDeps } from "@saas/billing";

export type SessionUser = { id: string; email: string };

export type Context = BillingDeps & {
  /** Null when the request carries no valid session. */
  user: SessionUser | null;
  /**
   * The session's current organization with the caller's role in it, as the session lookup
   * of this request checked it against their memberships. Never taken from the input.
   */
  organization: CurrentOrganization | null;
};

export function createContext(input: Context): Context {
  return input;
}
