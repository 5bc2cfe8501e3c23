// One web process of the multi-process run (processes.test.ts): the real webhook handler behind
// HTTP, as the app serves it. Prints one JSON line per answer, and {"kind":"ready","url":…}.
import { createDb } from "@saas/db/client";
import { createStripeClient } from "../../../src/stripe-client.ts";
import { startWebhookEndpoint } from "../../../src/webhooks/webhook-testing.ts";

const [databaseUrl = "", stripeApiBase = "", secret = ""] = process.argv.slice(2);
const db = createDb(databaseUrl);
const stripe = createStripeClient({ secretKey: "sk_test_handler", apiBase: stripeApiBase });
const endpoint = await startWebhookEndpoint({
  db,
  stripe,
  secrets: [secret],
  livemode: false,
  log: (line) => console.log(JSON.stringify({ kind: "webhook", ...line })),
});
console.log(JSON.stringify({ kind: "ready", url: endpoint.url }));
process.once("SIGTERM", () => {
  void endpoint.close().then(() => db.$disconnect().then(() => process.exit(0)));
});
