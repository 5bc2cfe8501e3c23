// startEmulator(): the HTTP server tying the API pipeline, control surface, hosted pages,
// webhook delivery, real-time renewals and persistence together.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { App, type Settings } from "./app.ts";
import { runUntil } from "./billing/time-engine.ts";
import { ownOrigins, refuseControlRequest } from "./control/control-guard.ts";
import { handleControl } from "./control/control-routes.ts";
import { handleApi } from "./http/api-handler.ts";
import { StripeHttpError } from "./http/errors.ts";
import { FaultInjector } from "./http/faults.ts";
import { IdempotencyCache } from "./http/idempotency.ts";
import { DEFAULT_RATE_LIMIT, RateLimiter, type RateLimit } from "./http/rate-limit.ts";
import { createHostedPages, type HostedPages } from "./hosted/hosted-pages.ts";
import { HostedState } from "./hosted/hosted-state.ts";
import { servePage } from "./hosted/serve-pages.ts";
import { newWebhookSecret } from "./ids.ts";
import { DataFile } from "./store-file.ts";
import { idOf } from "./resources/lookup.ts";
import type { StoredEvent } from "./store.ts";
import { realNow } from "./time.ts";
import { WebhookDispatcher, type DeliveryTarget } from "./webhooks/dispatcher.ts";

export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Like `stripe listen --forward-to`: every event is POSTed here, signed with `webhookSecret`. */
  forwardTo?: string;
  webhookSecret?: string;
  /** Persist state to this JSON file across restarts. */
  dataFile?: string;
  /** Wait (ms) before each webhook retry; the length is the number of retries. */
  webhookRetryScheduleMs?: number[];
  webhookTimeoutMs?: number;
  settings?: Partial<Settings>;
  hostedPages?: HostedPages;
  /** How often subscriptions not on a test clock are renewed in real time; 0 disables. */
  realTimeTickMs?: number;
  /** API requests per second per key, as Stripe limits them (default 25, test mode's), or "off". */
  rateLimit?: RateLimit;
  /** The rate limiter's clock in milliseconds; tests freeze and move it by hand. */
  rateLimitClock?: () => number;
}

export interface RunningEmulator {
  url: string;
  host: string;
  port: number;
  /** Any `sk_test_…` key works; this one is a convenient default. */
  apiKey: string;
  webhookSecret: string;
  app: App;
  dispatcher: WebhookDispatcher;
  reset(): void;
  /** Resolves once every queued webhook delivery (and retry) has finished. */
  deliveriesIdle(): Promise<void>;
  stop(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > 2_000_000) request.destroy(new Error("request body too large"));
      else chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(text)) });
  response.end(text);
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const app = new App();
  app.settings = { ...app.settings, ...options.settings };
  const webhookSecret = options.webhookSecret ?? newWebhookSecret();
  const targets = (): DeliveryTarget[] => {
    const list: DeliveryTarget[] = [];
    if (options.forwardTo !== undefined)
      list.push({ id: "forward", url: options.forwardTo, secret: webhookSecret, enabledEvents: ["*"] });
    for (const endpoint of app.store.webhookEndpoints.values()) {
      const secret = app.store.endpointSecrets.get(endpoint.id);
      if (endpoint.status === "enabled" && secret !== undefined)
        list.push({ id: endpoint.id, url: endpoint.url, secret, enabledEvents: endpoint.enabled_events });
    }
    return list;
  };
  const dispatcher = new WebhookDispatcher({
    retryScheduleMs: options.webhookRetryScheduleMs ?? [500, 2_000, 8_000, 30_000, 120_000],
    timeoutMs: options.webhookTimeoutMs ?? 10_000,
    logLimit: 10_000,
    targets,
    // Stripe's `pending_webhooks` falls as endpoints acknowledge: the stored event follows.
    onAcknowledged: (eventId) => {
      const stored = app.store.events.get(eventId);
      if (stored === undefined) return;
      const event = JSON.parse(stored.json) as { pending_webhooks: number };
      event.pending_webhooks = Math.max(0, event.pending_webhooks - 1);
      app.store.events.set(eventId, { ...stored, json: JSON.stringify(event) });
      app.onChange();
    },
  });
  app.events.countTargets = (type) => dispatcher.countTargets(type);
  app.events.onEvent((event) => dispatcher.enqueue(event));
  const publish = (events: StoredEvent[]) => app.events.publish(events);
  const faults = new FaultInjector();
  const rateLimiter = new RateLimiter(options.rateLimit ?? DEFAULT_RATE_LIMIT, options.rateLimitClock);
  const idempotency = new IdempotencyCache();
  const hanging = new Set<ServerResponse>();
  const dataFile = options.dataFile === undefined ? undefined : new DataFile(app.store, options.dataFile);
  if (dataFile !== undefined) {
    await dataFile.load();
    app.onChange = () => dataFile.schedule();
  }
  const hostedState = new HostedState();
  const hostedPages = options.hostedPages ?? createHostedPages(hostedState);
  const reset = () => {
    hostedState.clear();
    app.cancelTimers();
    app.store.clear();
    app.failedRequests.clear();
    idempotency.clear();
    faults.clear();
    rateLimiter.clear();
    dispatcher.clearLog();
    app.onChange();
  };

  // Known once the server listens; no request is handled before that.
  let origins: ReadonlySet<string> = new Set();
  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? "/", "http://emulator.local");
      const method = request.method ?? "GET";
      const rawBody = await readBody(request);
      if (url.pathname.startsWith("/_emulator/")) {
        const refusal = refuseControlRequest(method, request.headers, origins);
        if (refusal !== null) {
          sendJson(response, 403, { error: { type: "invalid_request_error", message: refusal } });
          return;
        }
        try {
          const result = await handleControl(
            { app, dispatcher, faults, rateLimiter, reset },
            method,
            url,
            rawBody,
            request.headers["content-type"],
          );
          if (result.events !== undefined && result.events.length > 0) {
            const events = result.events;
            response.on("finish", () => publish(events));
            app.onChange();
          }
          sendJson(response, result.status, result.body);
        } catch (error) {
          if (error instanceof StripeHttpError) sendJson(response, error.status, { error: error.body });
          else
            sendJson(response, 400, {
              error: { type: "invalid_request_error", message: error instanceof Error ? error.message : String(error) },
            });
        }
        return;
      }
      if (servePage({ app, hostedPages, deliveries: dispatcher.log, publish }, method, url, rawBody, response)) return;
      handleApi({ app, faults, rateLimiter, idempotency, hanging, publish }, request, response, url, rawBody);
    })().catch((error: unknown) => {
      console.error("[stripe-emulator] request failed:", error);
      if (!response.headersSent) sendJson(response, 500, { error: { type: "api_error", message: "Emulator failure" } });
    });
  });
  server.keepAliveTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("stripe-emulator: server has no TCP address");
  const host = options.host ?? "127.0.0.1";
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`;
  app.baseUrl = url;
  origins = ownOrigins(url);

  const tickMs = options.realTimeTickMs ?? 1_000;
  const tick =
    tickMs <= 0
      ? undefined
      : setInterval(() => {
          const noClock = (customerId: string) => idOf(app.store.customers.get(customerId)?.test_clock) === null;
          if (runUntil(app, noClock, realNow(), () => {}) > 0) app.onChange();
        }, tickMs);
  tick?.unref();

  return {
    url,
    host,
    port: address.port,
    apiKey: "sk_test_emulator",
    webhookSecret,
    app,
    dispatcher,
    reset,
    deliveriesIdle: () => dispatcher.idle(),
    stop: async () => {
      if (tick !== undefined) clearInterval(tick);
      app.cancelTimers();
      dispatcher.stop();
      for (const response of hanging) response.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await dataFile?.flush();
    },
  };
}
