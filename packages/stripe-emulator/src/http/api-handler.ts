// The /v1 pipeline: auth, the rate limit, fault injection, form parsing, idempotency, dispatch, Stripe errors.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { App } from "../app.ts";
import { API_VERSION } from "../events/event-log.ts";
import { newId } from "../ids.ts";
import { matchRoute, RawJson, type ApiResponse } from "../router.ts";
import { API_ROUTES } from "../api-routes.ts";
import type { StoredEvent } from "../store.ts";
import { apiError, authenticationError, rateLimitError, StripeHttpError } from "./errors.ts";
import type { FaultInjector } from "./faults.ts";
import { fingerprint, type IdempotencyCache } from "./idempotency.ts";
import { Params, parseForm } from "./params.ts";
import type { RateLimiter } from "./rate-limit.ts";

export interface ApiDeps {
  app: App;
  faults: FaultInjector;
  rateLimiter: RateLimiter;
  idempotency: IdempotencyCache;
  /** Responses held open by "hang" faults, closed on stop. */
  hanging: Set<ServerResponse>;
  /** Receives the events a request produced once its response is on the wire. */
  publish: (events: StoredEvent[]) => void;
}

const NO_KEY =
  "You did not provide an API key. You need to provide your API key in the Authorization header, " +
  "using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').";

function apiKeyOf(request: IncomingMessage): string {
  const header = request.headers.authorization;
  if (header === undefined || header === "") throw authenticationError(NO_KEY);
  const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  const basic = /^Basic\s+(\S+)$/i.exec(header)?.[1];
  const key = bearer ?? (basic === undefined ? undefined : Buffer.from(basic, "base64").toString("utf8").split(":")[0]);
  if (key === undefined || key === "") throw authenticationError(NO_KEY);
  if (!key.startsWith("sk_test_") && !key.startsWith("rk_test_")) {
    const masked = key.length > 12 ? `${key.slice(0, 8)}${"*".repeat(key.length - 12)}${key.slice(-4)}` : key;
    throw authenticationError(`Invalid API Key provided: ${masked}`);
  }
  return key;
}

function writeResponse(response: ServerResponse, status: number, body: string, headers: Record<string, string>): void {
  response.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": String(Buffer.byteLength(body)),
    ...headers,
  });
  response.end(body);
}

function serialize(result: ApiResponse): string {
  return result.body instanceof RawJson ? result.body.text : JSON.stringify(result.body);
}

function errorResult(error: unknown): { status: number; body: string; replayable: boolean } {
  if (error instanceof StripeHttpError)
    return { status: error.status, body: JSON.stringify({ error: error.body }), replayable: error.replayable };
  const message = error instanceof Error ? error.message : String(error);
  console.error("[stripe-emulator] internal error:", error);
  return {
    status: 500,
    body: JSON.stringify({ error: apiError(`Emulator error: ${message}`).body }),
    replayable: false,
  };
}

/**
 * An error answer carries `request_log_url`, as Stripe's do: here the emulator's own record
 * of the failed request (`GET /_emulator/requests/:id`).
 */
function withRequestLog(app: ApiDeps["app"], requestId: string, method: string, path: string) {
  return (status: number, body: string): string => {
    if (status < 400) return body;
    let parsed: { error?: Record<string, unknown> };
    try {
      parsed = JSON.parse(body) as { error?: Record<string, unknown> };
    } catch {
      return body;
    }
    if (parsed.error === undefined) return body;
    const url = `${app.baseUrl}/_emulator/requests/${requestId}`;
    app.failedRequests.add({ id: requestId, method, path, status, error: parsed.error, at: new Date().toISOString() });
    return JSON.stringify({ ...parsed, error: { ...parsed.error, request_log_url: url } });
  };
}

export function handleApi(
  deps: ApiDeps,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  rawBody: string,
): void {
  const { app } = deps;
  const method = request.method ?? "GET";
  const requestId = newId("request");
  const logged = withRequestLog(app, requestId, method, url.pathname);
  const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string>) =>
    writeResponse(res, status, logged(status, body), headers);
  const idempotencyKey = method === "POST" ? (request.headers["idempotency-key"]?.toString() ?? null) : null;
  const headers: Record<string, string> = {
    "Request-Id": requestId,
    "Stripe-Version": request.headers["stripe-version"]?.toString() ?? API_VERSION,
    ...(idempotencyKey === null ? {} : { "Idempotency-Key": idempotencyKey }),
  };
  let apiKey: string;
  try {
    apiKey = apiKeyOf(request);
  } catch (error) {
    const result = errorResult(error);
    send(response, result.status, result.body, headers);
    return;
  }
  if (!deps.rateLimiter.take(apiKey)) {
    const result = errorResult(rateLimitError());
    send(response, result.status, result.body, headers);
    return;
  }
  const fault = deps.faults.take(method, url.pathname, method === "POST" ? rawBody : url.search.slice(1));
  if (fault?.mode === "hang") {
    deps.hanging.add(response);
    response.on("close", () => deps.hanging.delete(response));
    return;
  }
  if (fault?.mode === "error") {
    send(
      response,
      500,
      JSON.stringify({ error: apiError("An unknown error occurred (injected by the emulator).").body }),
      headers,
    );
    return;
  }
  if (fault?.mode === "rate_limit") {
    const result = errorResult(rateLimitError());
    send(response, result.status, result.body, headers);
    return;
  }
  const raw = parseForm(method === "POST" ? rawBody : url.search.slice(1));
  const print = fingerprint(method, url.pathname, raw);
  let replay;
  try {
    replay = idempotencyKey === null ? undefined : deps.idempotency.lookup(apiKey, idempotencyKey, print);
  } catch (error) {
    const result = errorResult(error);
    send(response, result.status, result.body, headers);
    return;
  }
  if (replay !== undefined) {
    send(response, replay.status, replay.body, { ...headers, "Idempotent-Replayed": "true" });
    return;
  }
  app.events.currentRequest = { id: requestId, idempotencyKey };
  app.events.beginBatch();
  let status: number;
  let body: string;
  let replayable = true;
  try {
    const match = matchRoute(API_ROUTES, method, url.pathname);
    if (match === undefined) {
      throw new StripeHttpError(
        404,
        {
          type: "invalid_request_error",
          message:
            `Unrecognized request URL (${method}: ${url.pathname}). ` +
            "Please see https://stripe.com/docs or we can help at https://support.stripe.com/.",
        },
        false,
      );
    }
    const result = match.route.handler({
      app,
      params: match.params,
      input: new Params(raw),
      method,
      path: url.pathname,
    });
    status = result.status;
    body = serialize(result);
  } catch (error) {
    ({ status, body, replayable } = errorResult(error));
  } finally {
    app.events.currentRequest = null;
  }
  const events = app.events.endBatch();
  if (idempotencyKey !== null && replayable) deps.idempotency.save(apiKey, idempotencyKey, print, status, body);
  response.on("finish", () => deps.publish(events));
  send(response, status, body, headers);
  if (events.length > 0 || method !== "GET") app.onChange();
}
