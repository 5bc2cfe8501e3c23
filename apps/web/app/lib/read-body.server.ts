// Reads a request body as text, one chunk at a time, and stops at a byte limit: a body
// sent without a Content-Length is never read past the limit, let alone to its end.

export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`Request body larger than ${limit} bytes`);
    this.name = "BodyTooLarge";
  }
}

/** The body decoded as UTF-8, as request.text() would; BodyTooLarge past `limit` bytes. */
export async function readBodyWithin(request: Request, limit: number): Promise<string> {
  if (Number(request.headers.get("Content-Length") ?? 0) > limit) throw new BodyTooLarge(limit);
  if (!request.body) return "";
  const reader = request.body.getReader();
  const decoder = new TextDecoder();
  let size = 0;
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    size += value.byteLength;
    if (size > limit) {
      // Released, not cancelled: cancelling Remix's request stream destroys the socket, and
      // the 413 with it. Unread, the stream stops pulling and the connection is closed after.
      reader.releaseLock();
      throw new BodyTooLarge(limit);
    }
    text += decoder.decode(value, { stream: true });
  }
}
