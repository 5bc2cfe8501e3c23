// Fixtures: a fresh emulator per test (in-process, free port, its events forwarded to a local
// receiver so deliveries are real), the official SDK and control client pointed at it, and a
// stand-in for the merchant's app at https://app.test so success/return redirects have somewhere to land.
import { createServer, type Server } from "node:http";
import { test as base, expect } from "@playwright/test";
import Stripe from "stripe";
import { EmulatorControlClient, startEmulator, type RunningEmulator } from "../../../src/index.ts";
import { CheckoutPage, PortalPage } from "./pages.ts";

export const APP_URL = "https://app.test";

interface WebhookReceiver {
  url: string;
  received: () => number;
}

interface TestFixtures {
  emulator: RunningEmulator;
  stripe: Stripe;
  control: EmulatorControlClient;
  checkout: CheckoutPage;
  portal: PortalPage;
}

interface WorkerFixtures {
  webhookReceiver: WebhookReceiver;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (address === null || typeof address === "string") reject(new Error("receiver has no port"));
      else resolve(address.port);
    });
  });
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  webhookReceiver: [
    async ({}, use) => {
      let count = 0;
      const server = createServer((request, response) => {
        request.resume();
        request.on("end", () => {
          count += 1;
          response.writeHead(200).end();
        });
      });
      const port = await listen(server);
      await use({ url: `http://127.0.0.1:${port}/webhooks`, received: () => count });
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    { scope: "worker" },
  ],
  emulator: async ({ webhookReceiver }, use) => {
    const emulator = await startEmulator({
      port: 0,
      realTimeTickMs: 0,
      forwardTo: webhookReceiver.url,
      webhookSecret: "whsec_e2e",
      settings: { clockAdvanceDelayMs: 5 },
    });
    await use(emulator);
    await emulator.stop();
  },
  stripe: async ({ emulator }, use) => {
    await use(
      new Stripe("sk_test_e2e", { host: "127.0.0.1", port: emulator.port, protocol: "http", maxNetworkRetries: 0 }),
    );
  },
  control: async ({ emulator }, use) => {
    await use(new EmulatorControlClient(emulator.url));
  },
  page: async ({ page }, use) => {
    await page.route(`${APP_URL}/**`, (route) =>
      route.fulfill({
        status: 200,
        contentType: "text/html",
        body: "<!doctype html><title>App</title><h1>Back in the app</h1>",
      }),
    );
    await use(page);
  },
  checkout: async ({ page }, use) => {
    await use(new CheckoutPage(page));
  },
  portal: async ({ page }, use) => {
    await use(new PortalPage(page));
  },
});

export { expect };
