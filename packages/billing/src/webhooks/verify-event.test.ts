// verifyEvent on its own: each refusal with the reason it gives, and the edges of the size limit
// and of the event shape. Signing is local to the SDK: no server is needed.
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { MAX_WEBHOOK_BYTES, verifyEvent } from "./verify-event.ts";
import { sign } from "./webhook-testing.ts";

const stripe = new Stripe("sk_test_verify");
const SECRET = "whsec_verify";

const event = (fields: Record<string, unknown> = {}) =>
  JSON.stringify({
    id: "evt_verify",
    object: "event",
    type: "customer.updated",
    created: 1,
    livemode: false,
    data: { object: { id: "cus_verify", object: "customer" } },
    ...fields,
  });

const verify = (body: string, options: { signature?: string | null; secrets?: string[]; livemode?: boolean } = {}) =>
  verifyEvent(stripe, {
    rawBody: body,
    signature: options.signature === undefined ? sign(stripe, body, SECRET) : options.signature,
    secrets: options.secrets ?? [SECRET],
    livemode: options.livemode ?? false,
  });

/** A signed event of exactly `bytes` bytes. */
function eventOfSize(bytes: number): string {
  const empty = event({ padding: "" });
  return event({ padding: "x".repeat(bytes - Buffer.byteLength(empty)) });
}

describe("verifyEvent", () => {
  it("returns the event when the signature, the shape and the mode are right", () => {
    expect(verify(event())).toEqual({ ok: true, event: JSON.parse(event()) as unknown });
  });

  it("accepts a body of exactly the limit and refuses one byte more", () => {
    expect(verify(eventOfSize(MAX_WEBHOOK_BYTES))).toMatchObject({ ok: true });
    expect(verify(eventOfSize(MAX_WEBHOOK_BYTES + 1))).toEqual({ ok: false, reason: "body too large" });
    expect(MAX_WEBHOOK_BYTES).toBe(1024 * 1024);
  });

  it.each([null, ""])("refuses a request whose signature header is %j", (signature) => {
    expect(verify(event(), { signature })).toEqual({ ok: false, reason: "missing Stripe-Signature header" });
  });

  it("refuses every request when no secret is configured", () => {
    expect(verify(event(), { secrets: [] })).toEqual({ ok: false, reason: "no webhook secret configured" });
  });

  it("tells a signature made with another secret from one made too long ago", () => {
    const body = event();
    expect(verify(body, { signature: sign(stripe, body, "whsec_other") })).toEqual({
      ok: false,
      reason: "invalid signature",
    });
    const old = sign(stripe, body, SECRET, Math.floor(Date.now() / 1000) - 301);
    expect(verify(body, { signature: old })).toEqual({ ok: false, reason: "timestamp outside the tolerance zone" });
  });

  it("tries each secret while they rotate", () => {
    expect(verify(event(), { secrets: ["whsec_retired", SECRET] })).toMatchObject({ ok: true });
  });

  it("refuses a body that is signed but not JSON", () => {
    expect(verify("{not json")).toEqual({ ok: false, reason: "body is not valid JSON" });
  });

  it.each<[string, string]>([
    ["no id", event({ id: undefined })],
    ["an id that is not a string", event({ id: 42 })],
    ["no type", event({ type: undefined })],
    ["no data", event({ data: undefined })],
    ["data without an object", event({ data: {} })],
    ["not an object at all", '"evt_verify"'],
  ])("refuses JSON with %s as not a Stripe event", (_name, body) => {
    expect(verify(body)).toEqual({ ok: false, reason: "body is not a Stripe event" });
  });

  it("refuses an event of the other mode, naming both", () => {
    expect(verify(event({ livemode: true }))).toEqual({
      ok: false,
      reason: "live-mode event sent to a test-mode deployment",
    });
    expect(verify(event(), { livemode: true })).toEqual({
      ok: false,
      reason: "test-mode event sent to a live-mode deployment",
    });
    expect(verify(event({ livemode: true }), { livemode: true })).toMatchObject({ ok: true });
  });
});
