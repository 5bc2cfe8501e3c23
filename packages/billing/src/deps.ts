// What billing services need: the database, a Stripe client, and the app's settings.
import type { PrismaClient } from "@saas/db";
import type Stripe from "stripe";

export type BillingConfig = {
  /** Public URL of the app: every return URL given to Stripe is built from it, never from the client. */
  appBaseUrl: string;
  /** Portal configuration made by `pnpm stripe:sync`; unset means Stripe's default configuration. */
  portalConfigurationId?: string | undefined;
  /** Stripe Tax on Checkout (and so on the subscriptions it starts): STRIPE_AUTOMATIC_TAX. */
  automaticTax?: boolean;
};

export type BillingDeps = {
  db: PrismaClient;
  stripe: Stripe;
  config: BillingConfig;
};
