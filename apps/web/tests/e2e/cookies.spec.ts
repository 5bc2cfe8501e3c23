// Cookies the app did not set (analytics, a broken extension, a forged header) cannot
// break a page: undecodable ones are ignored and the session cookie still counts.
import { expect, test } from "./support/fixtures.ts";

// A truncated percent-escape: decodeURIComponent throws on it.
const MALFORMED = "_ga=%E0%A4%A";

test("a malformed cookie from someone else is ignored on every kind of page", async ({ request }) => {
  const expected = { "/": 200, "/login": 200, "/settings/billing": 302, "/api/trpc/billing.status": 401 };
  for (const [path, status] of Object.entries(expected)) {
    const response = await request.get(path, { headers: { Cookie: MALFORMED }, maxRedirects: 0 });
    expect(response.status(), path).toBe(status);
  }
});

test("the session cookie works beside malformed ones", async ({ page, request, signedUpUser }) => {
  const session = (await page.context().cookies()).find((cookie) => cookie.name === "session");
  expect(session).toBeDefined();
  const headers = { Cookie: `${MALFORMED}; session=${session?.value ?? ""}; theme=%; =x; lonely` };

  const billingPage = await request.get("/settings/billing", { headers, maxRedirects: 0 });
  expect(billingPage.status()).toBe(200);
  // As a boolean: a failure message should not print the page.
  expect((await billingPage.text()).includes(signedUpUser.email), "the page names the signed-in user").toBe(true);

  const status = await request.get("/api/trpc/billing.status", { headers });
  expect(status.status()).toBe(200);
});
