// `pnpm emulator trigger`, as a QA engineer uses it: fire invoice.payment_failed at the
// signed-in user's own customer, offline, and the app shows the dunning banner.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { BillingPage } from "../support/billing-page.ts";
import { expect, test } from "../support/fixtures.ts";
import { onEmulator } from "../support/stripe.ts";
import { subscribeOnClock } from "../support/subscriber.ts";

const repoRoot = fileURLToPath(new URL("../../../../../", import.meta.url));

async function trigger(event: string, ...args: string[]): Promise<string> {
  const target = onEmulator
    ? ["--api-base", `http://127.0.0.1:${process.env.E2E_EMULATOR_PORT}`, "--api-key", "sk_test_e2e"]
    : ["--api-base", "https://api.stripe.com", "--api-key", process.env.STRIPE_SECRET_KEY ?? ""];
  const { stdout } = await promisify(execFile)("pnpm", ["--silent", "emulator", "trigger", event, ...target, ...args], {
    cwd: repoRoot,
  });
  return stdout;
}

test("pnpm emulator trigger invoice.payment_failed --customer <theirs>: the banner shows the failed $20", async ({
  page,
  signedUpUser,
}) => {
  const billing = new BillingPage(page);
  const { customer } = await subscribeOnClock(signedUpUser.email, "pro_monthly");
  await billing.goto();
  await billing.expectPlan("Pro", /^Renews on /);
  const banner = page.getByRole("alert").filter({ has: page.getByRole("heading", { name: "Payment failed" }) });
  await expect(banner).toHaveCount(0);

  const output = await trigger("invoice.payment_failed", "--customer", customer.id);
  expect(output).toContain("Trigger succeeded!");
  expect(output).toMatch(/Events: .*invoice\.payment_failed evt_/);

  await expect(async () => {
    await billing.goto();
    await expect(banner).toBeVisible({ timeout: 500 });
  }).toPass({ timeout: 15_000 });
  await expect(page.getByRole("region", { name: "Notifications" })).toContainText("We couldn't charge $20.00");
});
