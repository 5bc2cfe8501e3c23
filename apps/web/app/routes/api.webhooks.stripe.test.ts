// The webhook route stops reading a body at MAX_WEBHOOK_BYTES, however it is sent, and an
// oversized one never reaches the handler (so nothing of it is stored).
import { beforeEach, describe, expect, it, vi } from "vitest";

const MAX = 1024 * 1024;
const handleStripeWebhook = vi.fn(() => Promise.resolve({ status: 200, body: { received: true } }));

vi.mock("~/lib/billing.server", () => ({
  billing: { db: {}, stripe: {} },
  handleStripeWebhook,
  MAX_WEBHOOK_BYTES: MAX,
  webhookSettings: { secrets: ["whsec_test"], livemode: false },
}));

const { action } = await import("./api.webhooks.stripe");

const CHUNK = 64 * 1024;

/** A chunked body with no Content-Length that counts how much of it was pulled. */
function streamedRequest(totalBytes: number) {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (pulled >= totalBytes) return controller.close();
        pulled += CHUNK;
        controller.enqueue(new Uint8Array(CHUNK).fill(0x78));
      },
    },
    { highWaterMark: 0 },
  );
  const request = new Request("http://localhost/api/webhooks/stripe", {
    method: "POST",
    body,
    headers: { "Stripe-Signature": "t=1,v1=00" },
    duplex: "half",
  });
  return { request, pulled: () => pulled };
}

const call = (request: Request) => action({ request, params: {}, context: {} as never });

describe("POST /api/webhooks/stripe", () => {
  beforeEach(() => handleStripeWebhook.mockClear());

  it("stops reading a 64 MiB chunked body at the limit: 413, and the handler never sees it", async () => {
    const { request, pulled } = streamedRequest(64 * 1024 * 1024);
    const response = await call(request);
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ received: false, outcome: "rejected", reason: "body too large" });
    expect(pulled()).toBeLessThanOrEqual(MAX + 2 * CHUNK);
    expect(handleStripeWebhook).not.toHaveBeenCalled();
  });

  it("refuses a declared Content-Length past the limit without reading", async () => {
    const { request, pulled } = streamedRequest(2 * MAX);
    request.headers.set("Content-Length", String(2 * MAX));
    expect((await call(request)).status).toBe(413);
    expect(pulled()).toBe(0);
    expect(handleStripeWebhook).not.toHaveBeenCalled();
  });

  it("hands a body of exactly the limit to the handler, byte for byte", async () => {
    const { request } = streamedRequest(MAX);
    expect((await call(request)).status).toBe(200);
    expect(handleStripeWebhook).toHaveBeenCalledWith(expect.anything(), {
      rawBody: "x".repeat(MAX),
      signature: "t=1,v1=00",
    });
  });
});
