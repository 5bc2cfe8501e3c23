// All emulator state: Stripe objects exactly as returned, plus the side data Stripe keeps privately.
import type Stripe from "stripe";

export interface StoredEvent {
  id: string;
  type: Stripe.Event.Type;
  created: number;
  objectId: string;
  /** The event serialized when it happened: data.object must not change afterwards. */
  json: string;
}

export interface PendingProration {
  id: string;
  description: string;
  amount: number;
  currency: string;
  priceId: string;
  productId: string;
  subscriptionItemId: string;
  periodStart: number;
  periodEnd: number;
}

export interface SessionSubscriptionData {
  metadata: Record<string, string>;
  trialPeriodDays: number | null;
  trialEnd: number | null;
  description: string | null;
  /** `customer_update`: whether the address and name typed in Checkout are saved on the customer. */
  saveAddress: boolean;
  saveName: boolean;
}

export class Store {
  readonly customers = new Map<string, Stripe.Customer>();
  readonly products = new Map<string, Stripe.Product>();
  readonly prices = new Map<string, Stripe.Price>();
  readonly paymentMethods = new Map<string, Stripe.PaymentMethod>();
  readonly subscriptions = new Map<string, Stripe.Subscription>();
  readonly invoices = new Map<string, Stripe.Invoice>();
  readonly checkoutSessions = new Map<string, Stripe.Checkout.Session>();
  readonly portalConfigurations = new Map<string, Stripe.BillingPortal.Configuration>();
  readonly portalSessions = new Map<string, Stripe.BillingPortal.Session>();
  readonly webhookEndpoints = new Map<string, Stripe.WebhookEndpoint>();
  readonly testClocks = new Map<string, Stripe.TestHelpers.TestClock>();
  readonly coupons = new Map<string, Stripe.Coupon>();
  /** Deleted coupons: discounts already redeemed keep applying, as Stripe's do. */
  readonly deletedCoupons = new Map<string, Stripe.Coupon>();
  readonly promotionCodes = new Map<string, Stripe.PromotionCode>();
  readonly discounts = new Map<string, Stripe.Discount>();
  readonly invoiceItems = new Map<string, Stripe.InvoiceItem>();
  readonly taxRates = new Map<string, Stripe.TaxRate>();
  readonly taxIds = new Map<string, Stripe.TaxId>();
  readonly subscriptionSchedules = new Map<string, Stripe.SubscriptionSchedule>();
  readonly events = new Map<string, StoredEvent>();

  // Private side data: never part of an API response.
  readonly deletedCustomers = new Set<string>();
  /** Test card number behind each card payment method; it decides every charge's outcome. */
  readonly cardNumbers = new Map<string, string>();
  readonly endpointSecrets = new Map<string, string>();
  readonly sessionLineItems = new Map<string, Stripe.LineItem[]>();
  /** Checkout's `subscription_data`, applied when the session completes. */
  readonly sessionSubscriptionData = new Map<string, SessionSubscriptionData>();
  /** Per open invoice: when its first automatic payment failed and how many retries ran since. */
  readonly dunning = new Map<string, { firstFailureAt: number; retriesDone: number }>();
  readonly trialWillEndSent = new Set<string>();
  readonly pendingProrations = new Map<string, PendingProration[]>();

  clear(): void {
    for (const value of Object.values(this)) {
      if (value instanceof Map || value instanceof Set) value.clear();
    }
  }

  /** Finds any stored object by its id prefix, for `expand`; else a coupon (their ids are free-form). */
  findById(id: string): object | undefined {
    return this.findByPrefix(id) ?? this.coupons.get(id) ?? this.deletedCoupons.get(id);
  }

  private findByPrefix(id: string): object | undefined {
    if (id.startsWith("cus_")) return this.customers.get(id);
    if (id.startsWith("sub_sched_")) return this.subscriptionSchedules.get(id);
    if (id.startsWith("sub_")) return this.subscriptions.get(id);
    if (id.startsWith("in_")) return this.invoices.get(id);
    if (id.startsWith("pm_")) return this.paymentMethods.get(id);
    if (id.startsWith("prod_")) return this.products.get(id);
    if (id.startsWith("price_")) return this.prices.get(id);
    if (id.startsWith("cs_")) return this.checkoutSessions.get(id);
    if (id.startsWith("bpc_")) return this.portalConfigurations.get(id);
    if (id.startsWith("bps_")) return this.portalSessions.get(id);
    if (id.startsWith("clock_")) return this.testClocks.get(id);
    if (id.startsWith("we_")) return this.webhookEndpoints.get(id);
    if (id.startsWith("di_")) return this.discounts.get(id);
    if (id.startsWith("ii_")) return this.invoiceItems.get(id);
    if (id.startsWith("txr_")) return this.taxRates.get(id);
    if (id.startsWith("txi_")) return this.taxIds.get(id);
    if (id.startsWith("promo_")) return this.promotionCodes.get(id);
    return undefined;
  }

  /** Newest first, as Stripe lists. */
  static newestFirst<T>(map: Map<string, T>): T[] {
    return Array.from(map.values()).reverse();
  }
}
