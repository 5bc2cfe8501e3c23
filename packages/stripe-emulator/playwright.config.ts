// The hosted pages' browser suite. Each test starts its own emulator in-process on a free port
// (tests/e2e/support/fixtures.ts), so nothing here needs a web server or a fixed port.
import { defineConfig, devices } from "@playwright/test";
import { chromiumLaunchOptions, videoMode } from "@saas/playwright";

export default defineConfig({
  testDir: "./tests/e2e",
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  // Generous for a loaded CI machine: two Chromiums share two cores with the emulators.
  timeout: 60_000,
  expect: { timeout: 10_000 },
  workers: process.env.CI ? 2 : undefined,
  reporter: [
    ["list"],
    ["json", { outputFile: ".reports/playwright.json" }],
    ["html", { outputFolder: "playwright-report", open: "never" }],
  ],
  use: {
    launchOptions: chromiumLaunchOptions(),
    video: videoMode(),
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"] } }],
});
