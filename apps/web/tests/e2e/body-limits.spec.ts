// Oversized request bodies are refused with a short 413 before anything acts on them, and a
// form never echoes back more of a field than the field may hold.
import { withAppDb } from "./support/app-db.ts";
import { expect, test } from "./support/fixtures.ts";
import { postChunked } from "./support/raw-http.ts";

const KiB = 1024;
const MiB = 1024 * KiB;

test("an 8 MiB login form is refused with a short 413, not echoed back", async ({ request, baseURL }) => {
  const response = await request.post("/login", {
    form: { email: `${"a".repeat(8 * MiB)}@example.com`, password: "x" },
    headers: { Origin: baseURL ?? "" },
  });
  expect(response.status()).toBe(413);
  expect((await response.body()).length).toBeLessThan(200);
});

test("a sign-up padded past the form limit creates no account", async ({ request, baseURL, newUser }) => {
  const response = await request.post("/signup", {
    form: { email: newUser.email, password: newUser.password, padding: "x".repeat(100 * KiB) },
    headers: { Origin: baseURL ?? "" },
    maxRedirects: 0,
  });
  expect(response.status()).toBe(413);
  const users = await withAppDb((db) => db.query("SELECT 1 FROM users WHERE email = $1", [newUser.email]));
  expect(users.rowCount).toBe(0);
});

test("chunked bodies with no Content-Length are cut off at the limit too", async ({ baseURL }) => {
  const origin = { Origin: baseURL ?? "" };
  const login = await postChunked(`${baseURL}/login`, {
    headers: { ...origin, "Content-Type": "application/x-www-form-urlencoded" },
    chunk: `email=${"a".repeat(16 * KiB)}`,
    count: 64,
  });
  expect(login.status).toBe(413);
  expect(login.body.length).toBeLessThan(200);

  const trpc = await postChunked(`${baseURL}/api/trpc/billing.createCheckoutSession`, {
    headers: { ...origin, "Content-Type": "application/json" },
    chunk: " ".repeat(16 * KiB),
    count: 8,
  });
  expect(trpc.status).toBe(413);
});

test("the Stripe webhook refuses a chunked body past 1 MiB", async ({ baseURL }) => {
  const response = await postChunked(`${baseURL}/api/webhooks/stripe`, {
    headers: { "Content-Type": "application/json", "Stripe-Signature": "t=1,v1=00" },
    chunk: "x".repeat(64 * KiB),
    count: 32,
  });
  expect(response.status).toBe(413);
  expect(response.body.length).toBeLessThan(200);

  // Below the limit the body reaches the route, which judges the signature.
  const small = await postChunked(`${baseURL}/api/webhooks/stripe`, {
    headers: { "Content-Type": "application/json", "Stripe-Signature": "t=1,v1=00" },
    chunk: "x".repeat(64 * KiB),
    count: 8,
  });
  expect(small.status).toBe(400);
  expect(JSON.parse(small.body)).toMatchObject({ received: false, outcome: "rejected" });
});

test("a long email within the body limit is echoed back no longer than an email may be", async ({
  request,
  baseURL,
}) => {
  const long = `${"b".repeat(40 * KiB)}@example.com`;
  for (const path of ["/login", "/signup"]) {
    const response = await request.post(path, {
      form: { email: long, password: "x" },
      headers: { Origin: baseURL ?? "" },
    });
    expect(response.status(), path).toBe(200);
    const page = await response.text();
    // Asserted as booleans: a failure message should not print the page.
    expect(page.includes("Email is too long"), path).toBe(true);
    expect(page.includes("b".repeat(255)), `${path} echoes the whole email`).toBe(false);
    expect(page.length, path).toBeLessThan(40 * KiB);
  }
});
