// Caps every request body before any handler reads it. A declared Content-Length past the
// limit is refused at once; a chunked body is counted as it arrives and refused the moment
// it passes the limit. Remix, tRPC and the webhook route then only ever see a complete
// body within the limit, so none of them can be made to buffer megabytes.
import type { IncomingMessage } from "node:http";
import { MAX_WEBHOOK_BYTES } from "@saas/billing";
import type { Request, RequestHandler, Response } from "express";

/**
 * Every body limit, in bytes. Forms and tRPC calls are well under a kilobyte; the Stripe
 * webhook gets the billing package's own limit (its route enforces that one too).
 */
const BODY_LIMITS = {
  default: 64 * 1024,
  byPath: { "/api/webhooks/stripe": MAX_WEBHOOK_BYTES } as Record<string, number>,
};

export function bodyLimitFor(path: string): number {
  return BODY_LIMITS.byPath[path] ?? BODY_LIMITS.default;
}

/**
 * How long a refused client may go on sending before the connection is cut. Hanging up
 * while it still sends makes its TCP stack discard our 413 (the close becomes a reset), so
 * the rest is read and dropped for a while first, as nginx's lingering close does.
 */
const LINGER_MS = 5_000;

/**
 * Mount ahead of every handler that reads a body, and ahead of the CSRF check too: a
 * refused request's body is otherwise read to its end by Node, to keep the connection.
 */
export function limitBody(options: { limitFor?: (path: string) => number; lingerMs?: number } = {}): RequestHandler {
  const { limitFor = bodyLimitFor, lingerMs = LINGER_MS } = options;
  return (req, res, next) => {
    // A request has a body only when it says so (RFC 9112 §6.3); most are GETs without one.
    const declared = Number(req.headers["content-length"] ?? 0);
    if (!req.headers["transfer-encoding"] && !(declared > 0)) return next();
    const limit = limitFor(req.path);
    const refuse = () => refuseTooLarge(req, res, limit, lingerMs);
    if (declared > limit) return refuse();
    // All of it already arrived (it came with the headers): nothing to wait for.
    if (req.complete) return req.readableLength > limit ? refuse() : next();
    void holdBody(req, limit).then((outcome) => {
      if (outcome === "too large") refuse();
      else if (outcome === "complete") next();
      // "aborted": the client is gone and there is no one to answer.
    });
  };
}

type Outcome = "complete" | "too large" | "aborted";

/**
 * Resolves once the whole body has arrived and sits unread in the request, for the next
 * handler to read as usual, or as soon as it passes `limit`, after which the rest is
 * dropped as it arrives. It takes the chunks Node's HTTP parser pushes into the request
 * stream and pushes them on only at the end, so nothing downstream starts on part of a body.
 */
function holdBody(req: IncomingMessage, limit: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const push = req.push.bind(req);
    const held: Buffer[] = [];
    // Take what arrived before this ran; reading it also lets a paused socket flow again.
    for (let chunk: Buffer | null; (chunk = req.read() as Buffer | null) !== null;) held.push(chunk);
    let size = held.reduce((total, chunk) => total + chunk.length, 0);
    const settle = (outcome: Outcome) => {
      req.off("close", onClose);
      resolve(outcome);
    };
    const onClose = () => {
      req.push = push;
      settle("aborted");
    };
    const tooLarge = () => {
      held.length = 0;
      // Only the end still gets through, so the request (and a kept-alive connection) finishes.
      req.push = (chunk: Buffer | null) => (chunk === null ? push(null) : true);
      settle("too large");
      return true;
    };
    req.on("close", onClose);
    if (size > limit) return tooLarge();
    req.push = (chunk: Buffer | null) => {
      if (chunk === null) {
        req.push = push;
        for (const part of held) push(part);
        const pushed = push(null);
        settle("complete");
        return pushed;
      }
      size += chunk.length;
      if (size > limit) return tooLarge();
      held.push(chunk);
      // Keep the socket flowing: what is held is bounded by the limit.
      return true;
    };
  });
}

/** A short answer, then the rest of the body is dropped until it ends or `lingerMs` runs out. */
function refuseTooLarge(req: Request, res: Response, limit: number, lingerMs: number): void {
  res
    .status(413)
    .type("text/plain")
    .send(`Request body too large: the limit here is ${Math.round(limit / 1024)} KiB.\n`);
  const socket = req.socket;
  const hangUp = setTimeout(() => socket.destroy(), lingerMs);
  const done = () => clearTimeout(hangUp);
  req.once("end", done).once("close", done);
  // Flowing with no one listening: what arrives is dropped, and the end is seen.
  req.resume();
}
