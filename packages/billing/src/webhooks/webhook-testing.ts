// Test helpers for webhooks: a local HTTP endpoint that runs the real handler (as the
// Remix route does), and signing for hand-made deliveries.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type Stripe from "stripe";
import { handleStripeWebhook, type WebhookDeps, type WebhookResponse } from "./handle-stripe-webhook.ts";

export type WebhookEndpoint = { url: string; responses: WebhookResponse[]; close(): Promise<void> };

export async function startWebhookEndpoint(deps: WebhookDeps): Promise<WebhookEndpoint> {
  const responses: WebhookResponse[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const signature = req.headers["stripe-signature"];
      void handleStripeWebhook(deps, {
        rawBody: Buffer.concat(chunks).toString("utf8"),
        signature: typeof signature === "string" ? signature : null,
      }).then(
        (response) => {
          responses.push(response);
          res.writeHead(response.status, { "Content-Type": "application/json" }).end(JSON.stringify(response.body));
        },
        // A handler that throws must still answer, as the route would (with a 500).
        () => res.writeHead(500, { "Content-Type": "application/json" }).end('{"received":false}'),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/webhooks/stripe`,
    responses,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Signs a payload as Stripe would, optionally at another time. */
export function sign(
  stripe: Stripe,
  payload: string,
  secret: string,
  timestamp = Math.floor(Date.now() / 1000),
): string {
  return stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
}
