// Stripe's webhook signature: hex HMAC-SHA256 of "<t>.<body>" keyed with the whole whsec_ string.
import { createHmac } from "node:crypto";

export function signatureHeader(body: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  const signature = createHmac("sha256", secret).update(`${timestamp}.${body}`, "utf8").digest("hex");
  return `t=${timestamp},v1=${signature}`;
}
