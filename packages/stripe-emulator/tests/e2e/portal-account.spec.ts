// Customer information, invoice history and the hosted invoice page, and the guarantee that a
// portal session never acts on another customer's objects.
import { APP_URL, expect, test } from "./support/fixtures.ts";
import {
  createPlans,
  createPortalConfiguration,
  eventsFor,
  idOf,
  portalSession,
  previousAttributes,
  retrieveCustomer,
  subscribedCustomer,
} from "./support/billing.ts";

test("Update information changes name and email; invoice history links to the hosted invoice", async ({
  page,
  stripe,
  portal,
}) => {
  const plans = await createPlans(stripe);
  const config = await createPortalConfiguration(stripe, plans);
  const { customer, subscription } = await subscribedCustomer(stripe, plans.pro.price, { email: "old@example.com" });
  const session = await portalSession(stripe, customer.id, config.id);
  await portal.open(session.url);
  await expect(page.getByRole("link", { name: "Return to app.test" }).first()).toHaveAttribute(
    "href",
    `${APP_URL}/settings/billing`,
  );
  await expect(page.getByText("Acme manages billing with Stripe")).toBeVisible();

  await page.getByRole("link", { name: "Update information" }).click();
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Your email address is invalid.")).toBeVisible();
  await page.getByLabel("Name").fill("Jenny R. Rosen");
  await page.getByLabel("Email").fill("new@example.com");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(portal.notice()).toHaveText("Your information has been updated.");
  await expect(page.getByRole("table", { name: "Billing information" })).toContainText("new@example.com");
  expect(await retrieveCustomer(stripe, customer.id)).toMatchObject({
    name: "Jenny R. Rosen",
    email: "new@example.com",
  });
  const update = (await eventsFor(stripe, customer.id, /^customer\.updated$/)).at(-1);
  expect(previousAttributes(update)).toEqual({ name: "Jenny Rosen", email: "old@example.com" });

  const invoice = (await stripe.invoices.list({ subscription: subscription.id })).data[0];
  const history = page.getByRole("table", { name: "Invoice history" });
  await expect(history).toContainText("$25.00");
  await expect(history).toContainText("Paid");
  await history.getByRole("link", { name: `View invoice ${invoice?.number ?? ""}` }).click();
  await expect(page).toHaveURL(invoice?.hosted_invoice_url ?? "");
  await expect(page.getByRole("heading", { name: `Invoice ${invoice?.number ?? ""}` })).toBeVisible();
  await expect(page.getByRole("table", { name: "Line items" })).toContainText("1 × Pro (at $25.00 / month)");
  await expect(page.getByText(/^Paid on /)).toBeVisible();
});

test("Update information edits the billing address where the configuration allows it, and checks it", async ({
  page,
  stripe,
  portal,
}) => {
  const config = await stripe.billingPortal.configurations.create({
    business_profile: { headline: "Acme" },
    features: { customer_update: { enabled: true, allowed_updates: ["name", "address"] } },
  });
  const customer = await stripe.customers.create({ name: "Jenny Rosen", email: "jenny@example.com" });
  const session = await portalSession(stripe, customer.id, config.id);
  await portal.open(session.url);
  await page.getByRole("link", { name: "Update information" }).click();
  // The email is not in allowed_updates: no field for it.
  await expect(page.getByLabel("Email")).toHaveCount(0);
  await page.getByLabel("Address line 1").fill("1 Main St");
  await page.getByLabel("Country (two-letter code, e.g. US)").fill("USA");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Enter a two-letter country code, such as US or GB.")).toBeVisible();
  await expect(page.locator("#address-city-error")).toHaveText("Required");
  expect((await retrieveCustomer(stripe, customer.id)).address).toBeNull();

  await page.getByLabel("City").fill("Springfield");
  await page.getByLabel("Postal code").fill("62701");
  await page.getByLabel("Country (two-letter code, e.g. US)").fill("us");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(portal.notice()).toHaveText("Your information has been updated.");
  await expect(page.getByRole("table", { name: "Billing information" })).toContainText(
    "1 Main St, Springfield, 62701, US",
  );
  expect((await retrieveCustomer(stripe, customer.id)).address).toEqual({
    line1: "1 Main St",
    line2: null,
    city: "Springfield",
    state: null,
    postal_code: "62701",
    country: "US",
  });
});

test("a portal session cannot touch another customer's subscription, card or invoice", async ({
  page,
  stripe,
  portal,
}) => {
  const plans = await createPlans(stripe);
  const config = await createPortalConfiguration(stripe, plans);
  const mine = await subscribedCustomer(stripe, plans.basic.price, { email: "me@example.com" });
  const theirs = await subscribedCustomer(stripe, plans.pro.price, { email: "them@example.com" });
  const theirCard = idOf(theirs.customer.invoice_settings.default_payment_method);
  const theirInvoice = idOf(theirs.subscription.latest_invoice);
  const elsewhere = await stripe.prices.create({
    product_data: { name: "Secret" },
    currency: "usd",
    unit_amount: 1,
    recurring: { interval: "month" },
  });
  const eventsBefore = (await eventsFor(stripe, theirs.customer.id)).length;
  const session = await portalSession(stripe, mine.customer.id, config.id);
  await portal.open(session.url);

  const attempts: Array<{ path: string; form: Record<string, string> }> = [
    { path: `/subscriptions/${theirs.subscription.id}/cancel`, form: { reason: "" } },
    { path: `/subscriptions/${theirs.subscription.id}/renew`, form: {} },
    { path: `/subscriptions/${theirs.subscription.id}/update/confirm`, form: { price: plans.basic.price.id } },
    { path: `/payment-methods/${theirCard}/remove`, form: {} },
    { path: `/payment-methods/${theirCard}/default`, form: {} },
    { path: `/invoices/${theirInvoice}/pay`, form: {} },
    // My own subscription, but a price the configuration does not offer.
    { path: `/subscriptions/${mine.subscription.id}/update/confirm`, form: { price: elsewhere.id } },
  ];
  for (const attempt of attempts) {
    const response = await page.request.post(`${session.url}${attempt.path}`, { form: attempt.form, maxRedirects: 0 });
    expect(response.status(), attempt.path).toBe(404);
  }
  expect((await page.request.get(`${session.url}/subscriptions/${theirs.subscription.id}/update`)).status()).toBe(404);

  expect(await stripe.subscriptions.retrieve(theirs.subscription.id)).toMatchObject({
    status: "active",
    cancel_at_period_end: false,
    items: { data: [{ price: { id: plans.pro.price.id } }] },
  });
  expect((await stripe.paymentMethods.retrieve(theirCard)).customer).toBe(theirs.customer.id);
  expect((await stripe.subscriptions.retrieve(mine.subscription.id)).items.data[0]?.price.id).toBe(
    plans.basic.price.id,
  );
  expect((await eventsFor(stripe, theirs.customer.id)).length).toBe(eventsBefore);
});
