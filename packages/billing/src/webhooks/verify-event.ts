// Step one of every webhook: is this really Stripe, recently, about this deployment?
import type Stripe from "stripe";

export const MAX_WEBHOOK_BYTES = 1024 * 1024;

export type Verified = { ok: true; event: Stripe.Event } | { ok: false; reason: string };

/**
 * Verifies the signature over the raw bytes with the official SDK against each accepted
 * secret (several while rotating), with Stripe's default 300 s tolerance.
 */
export function verifyEvent(
  stripe: Stripe,
  input: { rawBody: string; signature: string | null; secrets: string[]; livemode: boolean },
): Verified {
  if (Buffer.byteLength(input.rawBody) > MAX_WEBHOOK_BYTES) return { ok: false, reason: "body too large" };
  if (!input.signature) return { ok: false, reason: "missing Stripe-Signature header" };
  if (!input.secrets.length) return { ok: false, reason: "no webhook secret configured" };

  let event: Stripe.Event | null = null;
  let reason = "invalid signature";
  for (const secret of input.secrets) {
    try {
      event = stripe.webhooks.constructEvent(input.rawBody, input.signature, secret);
      break;
    } catch (error) {
      // A body that verifies but is not JSON surfaces as a SyntaxError.
      if (error instanceof SyntaxError) return { ok: false, reason: "body is not valid JSON" };
      if (error instanceof Error && /timestamp outside the tolerance/i.test(error.message))
        reason = "timestamp outside the tolerance zone";
    }
  }
  if (!event) return { ok: false, reason };
  if (
    typeof event !== "object" ||
    typeof event.id !== "string" ||
    typeof event.type !== "string" ||
    !event.data?.object
  ) {
    return { ok: false, reason: "body is not a Stripe event" };
  }
  if (event.livemode !== input.livemode) {
    const sent = event.livemode ? "live" : "test";
    const deployed = input.livemode ? "live" : "test";
    return { ok: false, reason: `${sent}-mode event sent to a ${deployed}-mode deployment` };
  }
  return { ok: true, event };
}
