// readBodyWithin returns what request.text() would, and nothing past the limit.
import { describe, expect, it } from "vitest";
import { BodyTooLarge, readBodyWithin } from "./read-body.server";

function requestOf(chunks: Uint8Array[]): Request {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  return new Request("http://localhost/", { method: "POST", body, duplex: "half" });
}

describe("readBodyWithin", () => {
  it("decodes characters split across chunks as request.text() does", async () => {
    const bytes = new TextEncoder().encode('{"name":"Zoë €"}');
    const chunks = Array.from(bytes, (byte) => Uint8Array.of(byte));
    expect(await readBodyWithin(requestOf(chunks), bytes.length)).toBe(await requestOf(chunks).text());
  });

  it("throws BodyTooLarge one byte past the limit", async () => {
    const error = await readBodyWithin(requestOf([new Uint8Array(10), new Uint8Array(1)]), 10).catch(
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(BodyTooLarge);
  });

  it("reads an empty body as an empty string", async () => {
    expect(await readBodyWithin(new Request("http://localhost/", { method: "POST" }), 10)).toBe("");
  });
});
