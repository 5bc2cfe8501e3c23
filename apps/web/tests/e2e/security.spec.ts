// Response headers the production build sends on pages.
import { expect, test } from "./support/fixtures.ts";

test("pages carry a nonce-based CSP and the other security headers", async ({ page, request }) => {
  const response = await request.get("/login");
  const headers = response.headers();
  const csp = headers["content-security-policy"] ?? "";
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
  expect(csp).not.toContain("unsafe-eval");
  expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(headers["x-powered-by"]).toBeUndefined();

  // The page still works under that policy: no script was blocked, and it hydrates.
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  await page.goto("/signup");
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByLabel("Password").fill("x");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Enter a valid email address")).toBeVisible();
  expect(violations).toEqual([]);
});

test("pages, their data and the API are kept by no cache: they are about whoever asked", async ({
  page,
  signedUpUser,
}) => {
  void signedUpUser;
  const answers = [
    await page.request.get("/settings/billing"),
    await page.request.get("/settings/billing.data"),
    await page.request.get("/api/trpc/billing.status"),
    await page.request.get("/invitations/not-a-real-token"),
    await page.request.get("/login"),
  ];
  expect(answers.map((answer) => [answer.url(), answer.status(), answer.headers()["cache-control"]])).toEqual(
    answers.map((answer) => [answer.url(), expect.any(Number), "no-store"]),
  );
  expect(answers.slice(0, 3).map((answer) => answer.status())).toEqual([200, 200, 200]);
});
