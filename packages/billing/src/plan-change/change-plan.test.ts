// Switching plans in the app: the preview is Stripe's own, the switch bills what it showed,
// and the quantity is what the new plan is for (a seat per member, or one flat unit).
import { createUser } from "@saas/db/factories";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemberLimitReached, PlanChangeNotAllowed, BillingNotFound } from "../errors.ts";
import { syncCustomer } from "../sync/sync-customer.ts";
import { startBillingHarness, subscribedOrganization, type BillingHarness } from "../testing.ts";
import { changePlan, previewPlanChange } from "./change-plan.ts";

let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness({ catalog: true });
});
afterAll(() => h.close());

/** An organization of `members` people subscribed to `lookupKey` with `quantity`, synced. */
async function subscribed(lookupKey: string, members: number, quantity = 1) {
  const organization = await subscribedOrganization(h, lookupKey, members, quantity);
  await syncCustomer(h, organization.customerId);
  return organization;
}

const itemOf = async (subscriptionId: string) => {
  const item = (await h.stripe.subscriptions.retrieve(subscriptionId)).items.data[0];
  return { lookupKey: item?.price.lookup_key, quantity: item?.quantity };
};

describe("changing plan in the app", () => {
  it("moves a Pro organization of 3 to Team with 3 seats, the next invoice as the preview said", async () => {
    const { organizationId, subscription } = await subscribed("pro_monthly", 3);
    const preview = await previewPlanChange(h, { organizationId, lookupKey: "team_monthly" });
    expect(preview).toMatchObject({
      planName: "Team",
      interval: "month",
      quantity: 3,
      perSeat: true,
      unitAmount: 1_200,
      recurringAmount: 3_600,
      dueNow: null,
    });
    // Moments into the period: nearly all of Pro's $29 back, nearly all of 3 × $12 owed.
    expect(preview.prorationAmount).toBeGreaterThan(3_600 - 2_900 - 10);
    expect(preview.prorationAmount).toBeLessThanOrEqual(3_600 - 2_900);
    expect(preview.nextInvoice?.amount).toBe(preview.prorationAmount + 3_600);

    expect(
      await changePlan(h, { organizationId, lookupKey: "team_monthly", prorationDate: preview.prorationDate }),
    ).toEqual({ planName: "Team", quantity: 3 });
    expect(await itemOf(subscription.id)).toEqual({ lookupKey: "team_monthly", quantity: 3 });
    const upcoming = await h.stripe.invoices.createPreview({ subscription: subscription.id });
    expect(upcoming.amount_due).toBe(preview.nextInvoice?.amount);
    // The app's copy is synced at once, not only when the webhook comes.
    const row = await h.db.subscription.findUniqueOrThrow({ where: { stripeSubscriptionId: subscription.id } });
    expect(row).toMatchObject({ priceLookupKey: "team_monthly", quantity: 3 });
  });

  it("moves Team's 3 seats to Pro as one flat unit", async () => {
    const { organizationId, subscription } = await subscribed("team_monthly", 3, 3);
    const preview = await previewPlanChange(h, { organizationId, lookupKey: "pro_monthly" });
    expect(preview).toMatchObject({ quantity: 1, perSeat: false, recurringAmount: 2_900 });
    await changePlan(h, { organizationId, lookupKey: "pro_monthly", prorationDate: preview.prorationDate });
    expect(await itemOf(subscription.id)).toEqual({ lookupKey: "pro_monthly", quantity: 1 });
  });

  it("charges a change of interval today, the amount the preview showed", async () => {
    const { organizationId, subscription } = await subscribed("pro_monthly", 1);
    const preview = await previewPlanChange(h, { organizationId, lookupKey: "pro_yearly" });
    expect(preview.nextInvoice).toBeNull();
    // A year at $290, less the unused month of Pro monthly ($29 at most).
    expect(preview.dueNow).toBeGreaterThanOrEqual(29_000 - 2_900);
    expect(preview.dueNow).toBeLessThan(29_000);
    await changePlan(h, { organizationId, lookupKey: "pro_yearly", prorationDate: preview.prorationDate });
    const live = await h.stripe.subscriptions.retrieve(subscription.id, { expand: ["latest_invoice"] });
    expect(live.latest_invoice).toMatchObject({ status: "paid", amount_paid: preview.dueNow });
  });

  it("in a trial, a change of interval charges nothing now: it is on the invoice when the trial ends", async () => {
    const { organizationId, customerId, subscription: first } = await subscribedOrganization(h, "pro_monthly", 1);
    await h.stripe.subscriptions.cancel(first.id);
    const [monthly] = (await h.stripe.prices.list({ lookup_keys: ["pro_monthly"] })).data;
    await h.stripe.subscriptions.create({
      customer: customerId,
      items: [{ price: monthly?.id ?? "" }],
      trial_period_days: 14,
    });
    await syncCustomer(h, customerId);
    const preview = await previewPlanChange(h, { organizationId, lookupKey: "pro_yearly" });
    expect(preview.dueNow).toBeNull();
    expect(preview.nextInvoice?.amount).toBe(29_000);
  });

  it("refuses a plan the members do not fit, and changes nothing", async () => {
    const { organizationId, subscription } = await subscribed("team_monthly", 6, 6);
    await expect(previewPlanChange(h, { organizationId, lookupKey: "pro_monthly" })).rejects.toThrow(
      MemberLimitReached,
    );
    await expect(
      changePlan(h, { organizationId, lookupKey: "pro_monthly", prorationDate: Math.floor(Date.now() / 1000) }),
    ).rejects.toThrow(MemberLimitReached);
    expect(await itemOf(subscription.id)).toEqual({ lookupKey: "team_monthly", quantity: 6 });
  });

  it("says the plan is the current one, or that there is none to change", async () => {
    const { organizationId } = await subscribed("pro_monthly", 1);
    await expect(previewPlanChange(h, { organizationId, lookupKey: "pro_monthly" })).rejects.toThrow(
      PlanChangeNotAllowed,
    );
    const nobody = await createUser(h.db);
    await expect(
      previewPlanChange(h, { organizationId: nobody.organization.id, lookupKey: "pro_monthly" }),
    ).rejects.toThrow(BillingNotFound);
    await expect(previewPlanChange(h, { organizationId, lookupKey: "gold_monthly" })).rejects.toThrow(BillingNotFound);
  });

  it("refuses a proration date the browser sends back from long ago, and changes nothing", async () => {
    const { organizationId, subscription } = await subscribed("team_monthly", 2, 2);
    // As of the period's start: a downgrade would credit the whole period already used.
    const periodStart = subscription.items.data[0]?.current_period_start ?? 0;
    await expect(
      changePlan(h, { organizationId, lookupKey: "pro_monthly", prorationDate: periodStart - 3_600 }),
    ).rejects.toThrow("That price preview has expired");
    await expect(
      changePlan(h, { organizationId, lookupKey: "pro_monthly", prorationDate: Math.floor(Date.now() / 1000) + 3_600 }),
    ).rejects.toThrow(PlanChangeNotAllowed);
    expect(await itemOf(subscription.id)).toEqual({ lookupKey: "team_monthly", quantity: 2 });
  });

  it("switches once when the same change is sent twice", async () => {
    const { organizationId, subscription } = await subscribed("pro_monthly", 2);
    const preview = await previewPlanChange(h, { organizationId, lookupKey: "team_monthly" });
    const change = { organizationId, lookupKey: "team_monthly", prorationDate: preview.prorationDate };
    await changePlan(h, change);
    const updates = async () =>
      (await h.stripe.events.list({ type: "customer.subscription.updated", limit: 100 })).data.filter(
        (event) => (event.data.object as { id: string }).id === subscription.id,
      ).length;
    const after = await updates();
    expect(await changePlan(h, change)).toEqual({ planName: "Team", quantity: 2 });
    expect(await updates()).toBe(after);
    expect(await itemOf(subscription.id)).toEqual({ lookupKey: "team_monthly", quantity: 2 });
    // Sent again from a later preview (another idempotency key): already done, so no update either.
    const later = await previewPlanChange(h, { organizationId, lookupKey: "pro_monthly" }).catch(() => null);
    expect(later).not.toBeNull();
    await changePlan(h, { ...change, prorationDate: preview.prorationDate + 1 });
    expect(await updates()).toBe(after);
  });

  it("takes a preview some seconds old, and fits a flat plan the members fill exactly", async () => {
    const { organizationId, subscription } = await subscribed("team_monthly", 5, 5);
    const preview = await previewPlanChange(h, { organizationId, lookupKey: "pro_monthly" });
    expect(preview).toMatchObject({ quantity: 1, perSeat: false });
    const periodEnd = subscription.items.data[0]?.current_period_end ?? 0;
    expect(preview.nextInvoice?.date).toBe(new Date(periodEnd * 1000).toISOString());
    // A preview made when the period began, a couple of seconds ago: still well within its 15 minutes.
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const periodStart = subscription.items.data[0]?.current_period_start ?? 0;
    expect(await changePlan(h, { organizationId, lookupKey: "pro_monthly", prorationDate: periodStart })).toEqual({
      planName: "Pro",
      quantity: 1,
    });
  });

  it("has nothing to change once the subscription is canceled", async () => {
    const { organizationId, customerId, subscription } = await subscribed("pro_monthly", 1);
    await h.stripe.subscriptions.cancel(subscription.id);
    await syncCustomer(h, customerId);
    await expect(previewPlanChange(h, { organizationId, lookupKey: "team_monthly" })).rejects.toThrow(BillingNotFound);
  });
});
