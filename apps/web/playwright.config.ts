// The app's end-to-end suite. It builds nothing itself: `pnpm test` (or turbo's e2e task)
// builds first; the web server here is the production build on a free port, with its
// own throwaway embedded PostgreSQL, so it runs fine beside `pnpm dev`.
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";
import { chromiumLaunchOptions, videoMode } from "@saas/playwright";
import { freePortSync } from "@saas/playwright/ports";

// E2E_STRIPE=test-mode runs the same specs against real Stripe test mode (internet
// needed); by default the app starts its own emulator.
const testMode = process.env.E2E_STRIPE === "test-mode";
if (
  testMode &&
  !(process.env.STRIPE_SECRET_KEY?.startsWith("sk_test_") && process.env.STRIPE_WEBHOOK_SECRET && process.env.E2E_PORT)
) {
  throw new Error(
    "E2E_STRIPE=test-mode needs STRIPE_SECRET_KEY=sk_test_…, E2E_PORT (e.g. 3100) and STRIPE_WEBHOOK_SECRET from\n" +
      "  stripe listen --forward-to localhost:$E2E_PORT/api/webhooks/stripe",
  );
}

// Playwright loads this file in the runner and again in each worker: the runner's choices
// reach the workers only through the environment it hands them, so here (and only here)
// the environment is written.
/* eslint-disable no-restricted-syntax */
process.env.E2E_PORT ??= String(freePortSync());
process.env.E2E_DATA_DIR ??= scratchDir();
process.env.E2E_EMULATOR_PORT ??= String(freePortSync());
// The emulator signs with this, so a test can redeliver an event as Stripe does.
process.env.E2E_WEBHOOK_SECRET ??= `whsec_e2e${randomBytes(12).toString("hex")}`;
/* eslint-enable no-restricted-syntax */
const port = Number(process.env.E2E_PORT);
const baseURL = `http://localhost:${port}`;

/** PostgreSQL runs as its own user, which must be able to enter the folder mkdtemp made private. */
function scratchDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "saas-e2e-"));
  chmodSync(dir, 0o755);
  // The runner exits after the web server has stopped, so the data can go then.
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, "pg");
}

export default defineConfig({
  testDir: "./tests/e2e",
  // Real Stripe pages and webhooks are slower than the emulator.
  timeout: testMode ? 120_000 : 60_000,
  expect: { timeout: testMode ? 20_000 : 10_000 },
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: process.env.CI ? 2 : undefined,
  reporter: [
    ["list"],
    ["json", { outputFile: ".reports/playwright.json" }],
    ["html", { outputFolder: "playwright-report", open: "never" }],
  ],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    video: videoMode(),
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], launchOptions: chromiumLaunchOptions() } }],
  webServer: {
    command: "tsx server/index.ts",
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 120_000,
    gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
    env: {
      NODE_ENV: "production",
      // The production build on a throwaway embedded PostgreSQL (and, by default, the emulator).
      OFFLINE_DEMO: "true",
      PORT: String(port),
      APP_BASE_URL: baseURL,
      // Each test sends X-Forwarded-For as a client of its own (tests/e2e/support/fixtures.ts).
      TRUST_PROXY: "loopback",
      EMBEDDED_POSTGRES_DIR: process.env.E2E_DATA_DIR,
      // Short, so the "Stripe hangs" flows finish quickly (three attempts of this each).
      STRIPE_TIMEOUT_MS: "2500",
      // Email goes to the embedded SMTP server, its inbox beside the database (tests/e2e/support/inbox.ts).
      SMTP_URL: "",
      MAIL_INBOX_DIR: path.join(path.dirname(process.env.E2E_DATA_DIR), "mail"),
      // Tax on: the flows see Checkout ask for the address and add VAT in Germany (none in the US).
      // Against test mode, Stripe Tax must be switched on in the dashboard (or set this to false).
      STRIPE_AUTOMATIC_TAX: process.env.E2E_AUTOMATIC_TAX ?? "true",
      ...(testMode
        ? {
            STRIPE_SECRET_KEY: process.env.STRIPE_SECRET_KEY ?? "",
            STRIPE_WEBHOOK_SECRET: process.env.STRIPE_WEBHOOK_SECRET ?? "",
            STRIPE_PORTAL_CONFIG_ID: process.env.STRIPE_PORTAL_CONFIG_ID ?? "",
          }
        : {
            // The app starts its own emulator (no STRIPE_SECRET_KEY), on a port of its own, in memory.
            STRIPE_SECRET_KEY: "",
            STRIPE_API_BASE: "",
            STRIPE_PORTAL_CONFIG_ID: "",
            STRIPE_WEBHOOK_SECRET: process.env.E2E_WEBHOOK_SECRET,
            STRIPE_EMULATOR_PORT: process.env.E2E_EMULATOR_PORT,
            STRIPE_EMULATOR_DATA: "memory",
          }),
    },
  },
});
