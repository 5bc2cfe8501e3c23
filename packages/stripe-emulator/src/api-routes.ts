// Every /v1 route the emulator serves.
import { portalConfigurationRoutes } from "./resources/billing-portal-configurations.ts";
import { portalSessionRoutes } from "./resources/billing-portal-sessions.ts";
import { checkoutSessionRoutes } from "./resources/checkout-sessions.ts";
import { customerRoutes } from "./resources/customers.ts";
import { eventRoutes } from "./resources/events.ts";
import { couponRoutes } from "./resources/coupons.ts";
import { invoicePreviewRoutes } from "./resources/invoice-preview.ts";
import { invoiceItemRoutes } from "./resources/invoice-items.ts";
import { invoiceRoutes } from "./resources/invoices.ts";
import { paymentMethodRoutes } from "./resources/payment-methods.ts";
import { priceRoutes } from "./resources/prices.ts";
import { productRoutes } from "./resources/products.ts";
import { subscriptionScheduleRoutes } from "./resources/subscription-schedules.ts";
import { subscriptionRoutes } from "./resources/subscriptions.ts";
import { taxIdRoutes } from "./resources/tax-ids.ts";
import { taxRateRoutes } from "./resources/tax-rates.ts";
import { testClockRoutes } from "./resources/test-clocks.ts";
import { webhookEndpointRoutes } from "./resources/webhook-endpoints.ts";
import type { Route } from "./router.ts";

export const API_ROUTES: readonly Route[] = [
  ...customerRoutes,
  ...taxIdRoutes,
  ...taxRateRoutes,
  ...productRoutes,
  ...priceRoutes,
  ...paymentMethodRoutes,
  ...subscriptionRoutes,
  ...subscriptionScheduleRoutes,
  ...couponRoutes,
  ...invoicePreviewRoutes,
  ...invoiceItemRoutes,
  ...invoiceRoutes,
  ...checkoutSessionRoutes,
  ...portalConfigurationRoutes,
  ...portalSessionRoutes,
  ...eventRoutes,
  ...webhookEndpointRoutes,
  ...testClockRoutes,
];
