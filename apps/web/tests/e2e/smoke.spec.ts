import { expect, test } from "@playwright/test";

test("the home page renders", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveTitle("Acme SaaS");
  await expect(page.getByRole("heading", { level: 1, name: "Acme SaaS" })).toBeVisible();
});

test("/healthz reports the database up and the job queue's backlog", async ({ request }) => {
  const response = await request.get("/healthz");
  expect(response.status()).toBe(200);
  expect(await response.json()).toEqual({
    ok: true,
    db: "up",
    queue: { depth: expect.any(Number), oldestAgeSeconds: expect.any(Number), failed: expect.any(Number) },
  });
});
