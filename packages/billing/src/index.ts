export {
  CATALOG,
  findCatalogPrice,
  LOOKUP_KEYS,
  type CatalogPrice,
  type CatalogProduct,
  type Interval,
  type LookupKey,
} from "./catalog/catalog.ts";
export { syncStripe, type SyncChange, type SyncResult } from "./catalog/stripe-sync.ts";
export { createCheckoutSession } from "./checkout/create-checkout-session.ts";
export { syncCheckoutSession } from "./checkout/sync-checkout-session.ts";
export { backfillCustomers, type BackfillSummary } from "./customers/backfill-customers.ts";
export { billingContact, type BillingContact } from "./customers/billing-contact.ts";
export { ensureCustomer } from "./customers/ensure-customer.ts";
export { updateBillingEmail, updateUserEmail } from "./customers/update-customer-email.ts";
export type { BillingConfig, BillingDeps } from "./deps.ts";
export {
  currentSubscription,
  entitlementFor,
  getEntitlement,
  type Access,
  type Entitlement,
} from "./entitlements/get-entitlement.ts";
export {
  isLiveKey,
  LOCAL_EMULATOR,
  localEmulatorSettings,
  readStripeEnv,
  type StripeEnv,
  type StripeSettings,
} from "./env.ts";
export {
  BillingNotFound,
  BillingProfileMissing,
  callStripe,
  isStripeError,
  MemberLimitReached,
  PlanChangeNotAllowed,
  SeatLimitReached,
  StripeUnavailable,
  SubscriptionExists,
} from "./errors.ts";
export { listInvoices, type InvoiceSummary, type UpcomingInvoice } from "./invoices/list-invoices.ts";
export { changePlan, previewPlanChange, type PlanChangePreview } from "./plan-change/change-plan.ts";
export { createPortalSession, PORTAL_FLOWS, type PortalFlow } from "./portal/create-portal-session.ts";
export { createStripeClient, USER_FACING_REQUEST, type Stripe } from "./stripe-client.ts";
export { syncCustomer } from "./sync/sync-customer.ts";
export {
  readCustomerSubscriptions,
  writeCustomerSubscriptions,
  type SyncOutcome,
} from "./sync/sync-customer-subscriptions.ts";
export { runCustomerSync, type CustomerSyncResult } from "./jobs/customer-sync-job.ts";
export { CUSTOMER_SYNC_TASK } from "./jobs/queue.ts";
export { billingTasks, type JobLogLine } from "./jobs/tasks.ts";
export { admitMember, ensureRoomToInvite, seatUsage, type SeatUsage } from "./seats/member-limit.ts";
export { queueSeatSync, SEAT_SYNC_TASK, seatCount } from "./seats/seat-sync.ts";
export { SUBSCRIPTION_EXPAND, subscriptionRow, type SubscriptionColumns } from "./sync/subscription-row.ts";
export { listPlans, type Plan } from "./catalog/list-plans.ts";
export { getBillingStatus, type BillingStatus } from "./status/get-billing-status.ts";
export {
  dismissNotification,
  listNotifications,
  NOTIFICATION_KINDS,
  type NotificationView,
} from "./notifications/notifications.ts";
export { reconcile, type ReconcileSummary } from "./sync/reconcile.ts";
export {
  customerIdOf,
  handleStripeWebhook,
  HANDLED_EVENTS,
  type WebhookDeps,
  type WebhookLogLine,
  type WebhookResponse,
} from "./webhooks/handle-stripe-webhook.ts";
export { MAX_WEBHOOK_BYTES } from "./webhooks/verify-event.ts";
export { QUEUE_HEALTH_QUERY, toQueueHealth, type QueueHealth } from "./events/queue-health.ts";
export { pruneWebhookLog } from "./events/retention.ts";
