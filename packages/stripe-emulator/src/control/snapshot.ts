// GET /_emulator/snapshot: every Stripe object the emulator holds, by collection.
import type { Store } from "../store.ts";

export function snapshot(store: Store): Record<string, unknown[]> {
  return {
    customers: Array.from(store.customers.values()),
    products: Array.from(store.products.values()),
    prices: Array.from(store.prices.values()),
    payment_methods: Array.from(store.paymentMethods.values()),
    subscriptions: Array.from(store.subscriptions.values()),
    invoices: Array.from(store.invoices.values()),
    checkout_sessions: Array.from(store.checkoutSessions.values()),
    billing_portal_configurations: Array.from(store.portalConfigurations.values()),
    billing_portal_sessions: Array.from(store.portalSessions.values()),
    webhook_endpoints: Array.from(store.webhookEndpoints.values()),
    test_clocks: Array.from(store.testClocks.values()),
    events: Array.from(store.events.values(), (event): unknown => JSON.parse(event.json)),
    // Proration lines waiting for their subscription's next invoice (Stripe's pending invoice items).
    pending_prorations: Array.from(store.pendingProrations, ([subscription, lines]) => ({ subscription, lines })),
  };
}
