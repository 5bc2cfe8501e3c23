// What an attacker or an outage gets: other users' ids, forged origins, Stripe failing.
import { BillingPage } from "./support/billing-page.ts";
import { expect, test } from "./support/fixtures.ts";
import { CARDS, HostedCheckout } from "./support/stripe-pages.ts";
import { emulator, NEEDS_EMULATOR, onEmulator, stripe } from "./support/stripe.ts";
import { personalCustomerOf, personalOrganizationIdOf, withAppDb } from "./support/app-db.ts";

const trpcPost = (path: string, input: unknown) => ({
  url: `/api/trpc/${path}`,
  data: JSON.stringify(input),
  headers: { "Content-Type": "application/json" },
});

test("another user's checkout session and notifications are out of reach, whatever ids are sent", async ({
  page,
  browser,
  signedUpUser,
  baseURL,
}) => {
  // Alice subscribes and has a notification.
  const billing = new BillingPage(page);
  await billing.subscribe("Starter");
  const aliceSession = await billing.checkoutSessionId();
  await new HostedCheckout(page).pay(CARDS.visa);
  await billing.expectPlan("Starter", /^Renews on /);
  const noteId = await withAppDb(async (db) => {
    const { rows } = await db.query<{ id: string }>(
      "INSERT INTO notifications (id, user_id, kind, title, body) " +
        "SELECT 'n_' || md5(random()::text), id, 'payment_failed', 'Alice only', '…' " +
        "FROM users WHERE email = $1 RETURNING id",
      [signedUpUser.email],
    );
    return rows[0]?.id ?? "";
  });

  // Mallory signs up in another browser and tries Alice's ids.
  const mallory = await browser.newContext({ baseURL });
  const page2 = await mallory.newPage();
  await page2.goto("/signup");
  await page2.getByLabel("Email").fill(`mallory-${Date.now()}@example.com`);
  await page2.getByLabel("Password").fill("mallory password");
  await page2.getByRole("button", { name: "Create account" }).click();
  await expect(page2).toHaveURL(/\/settings\/billing/);
  const origin = { Origin: baseURL ?? "" };

  const sync = trpcPost("billing.syncCheckoutSession", { sessionId: aliceSession });
  const stolen = await page2.request.post(sync.url, { data: sync.data, headers: { ...sync.headers, ...origin } });
  expect(stolen.status()).toBe(404);
  const dismiss = trpcPost("notifications.dismiss", { id: noteId });
  expect(
    (
      await page2.request.post(dismiss.url, { data: dismiss.data, headers: { ...dismiss.headers, ...origin } })
    ).status(),
  ).toBe(404);
  const list = await page2.request.get("/api/trpc/notifications.list");
  expect(JSON.stringify(await list.json())).not.toContain("Alice only");
  // Extra fields are ignored: the portal is always for the caller's own customer and returns to our URL.
  const portal = trpcPost("billing.createPortalSession", { customer: "cus_alice", return_url: "https://evil.example" });
  expect(
    (await page2.request.post(portal.url, { data: portal.data, headers: { ...portal.headers, ...origin } })).status(),
  ).toBe(412);

  const still = await withAppDb((db) =>
    db.query<{ dismissed_at: Date | null }>("SELECT dismissed_at FROM notifications WHERE id = $1", [noteId]),
  );
  expect(still.rows[0]?.dismissed_at).toBeNull();
  await mallory.close();
});

test("a tRPC mutation from another origin is refused with 403", async ({ page, signedUpUser }) => {
  void signedUpUser;
  const call = trpcPost("billing.createCheckoutSession", { lookupKey: "pro_monthly" });
  const forged = await page.request.post(call.url, {
    data: call.data,
    headers: { ...call.headers, Origin: "https://evil.example" },
  });
  expect(forged.status()).toBe(403);
  const customers = await stripe.customers.list({ email: signedUpUser.email });
  expect(customers.data).toHaveLength(0);
});

test("Stripe failing or hanging at checkout: the user is told, nothing is half written, the next try works", async ({
  page,
  signedUpUser,
}) => {
  test.skip(!onEmulator, NEEDS_EMULATOR);
  const billing = new BillingPage(page);
  // Three: the Stripe client retries a 500 twice.
  await emulator.addFault({
    path: "/v1/customers",
    method: "POST",
    count: 3,
    mode: "error",
    match: signedUpUser.email,
  });
  await billing.subscribe("Pro");
  await expect(page.getByRole("alert")).toHaveText("Billing service unavailable");
  expect((await stripe.customers.list({ email: signedUpUser.email })).data).toHaveLength(0);
  expect(await personalCustomerOf(signedUpUser.email)).toBeNull();

  // Now the customer exists; the Checkout call hangs past the client timeout, three times (two retries).
  await page.reload();
  // Matched on the organization id the app sends as client_reference_id.
  await emulator.addFault({
    path: "/v1/checkout/sessions",
    method: "POST",
    count: 3,
    mode: "hang",
    match: await personalOrganizationIdOf(signedUpUser.email),
  });
  await billing.subscribe("Pro");
  await expect(page.getByRole("button", { name: "Redirecting…" })).toBeDisabled();
  await expect(page.getByRole("alert")).toHaveText("Billing service unavailable", { timeout: 20_000 });
  await expect(page.getByRole("button", { name: "Subscribe to Pro" })).toBeEnabled();

  await billing.subscribe("Pro");
  await billing.checkoutSessionId();
  await new HostedCheckout(page).pay(CARDS.visa);
  await billing.expectPlan("Pro", /^Renews on /);
});
