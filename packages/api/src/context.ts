// What every procedure receives: the billing dependencies and who is asking.
import type { BillingDeps } from "@saas/billing";

export type SessionUser = { id: string; email: string };

export type Context = BillingDeps & {
  /** Null when the request carries no valid session. */
  user: SessionUser | null;
};

export function createContext(input: Context): Context {
  return input;
}
