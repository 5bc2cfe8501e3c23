// The API fast path to a subscribed user: a customer on a test clock, mapped to the
// signed-up user, subscribed without going through the UI.
import type Stripe from "stripe";
import { linkCustomer, personalOrganizationIdOf } from "./app-db.ts";
import { priceFor, settleWebhooks, stripe } from "./stripe.ts";

export type ClockedSubscriber = {
  clock: Stripe.TestHelpers.TestClock;
  customer: Stripe.Customer;
  subscription: Stripe.Subscription;
  periodEnd: number;
};

export async function subscribeOnClock(
  email: string,
  lookupKey: string,
  options: { trialDays?: number } = {},
): Promise<ClockedSubscriber> {
  const clock = await stripe.testHelpers.testClocks.create({ frozen_time: Math.floor(Date.now() / 1000) });
  const customer = await stripe.customers.create({
    email,
    test_clock: clock.id,
    metadata: { organizationId: await personalOrganizationIdOf(email) },
    payment_method: "pm_card_visa",
    invoice_settings: { default_payment_method: "pm_card_visa" },
  });
  await linkCustomer(email, customer.id);
  const price = await priceFor(lookupKey);
  const subscription = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: price.id }],
    ...(options.trialDays ? { trial_period_days: options.trialDays } : {}),
  });
  await settleWebhooks();
  return { clock, customer, subscription, periodEnd: subscription.items.data[0]?.current_period_end ?? 0 };
}

/** Makes every future charge of the customer fail (Stripe's 4000 0000 0000 0341). */
export async function makeChargesFail(customerId: string): Promise<void> {
  const failing = await stripe.paymentMethods.attach("pm_card_chargeCustomerFail", { customer: customerId });
  await stripe.customers.update(customerId, { invoice_settings: { default_payment_method: failing.id } });
}
