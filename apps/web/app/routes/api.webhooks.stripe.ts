// POST /api/webhooks/stripe: a thin shell around the billing package's handler. The raw
// body is read (up to MAX_WEBHOOK_BYTES, never further) and verified before anything is parsed.
import type { ActionFunctionArgs } from "@remix-run/node";
import { billing, handleStripeWebhook, MAX_WEBHOOK_BYTES, webhookSettings } from "~/lib/billing.server";
import { BodyTooLarge, readBodyWithin } from "~/lib/read-body.server";

export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST")
    return Response.json({ received: false, reason: "method not allowed" }, { status: 405 });
  let rawBody: string;
  try {
    rawBody = await readBodyWithin(request, MAX_WEBHOOK_BYTES);
  } catch (error) {
    if (!(error instanceof BodyTooLarge)) throw error;
    // The unread rest of the body stays on the socket, so the connection cannot be reused.
    return Response.json(
      { received: false, outcome: "rejected", reason: "body too large" },
      { status: 413, headers: { Connection: "close" } },
    );
  }
  const result = await handleStripeWebhook(
    {
      db: billing.db,
      stripe: billing.stripe,
      ...webhookSettings,
      log: (line) => console.log(JSON.stringify({ msg: "stripe webhook", ...line })),
    },
    { rawBody, signature: request.headers.get("Stripe-Signature") },
  );
  return Response.json(result.body, { status: result.status });
}

export function loader() {
  return Response.json({ received: false, reason: "method not allowed" }, { status: 405, headers: { Allow: "POST" } });
}
