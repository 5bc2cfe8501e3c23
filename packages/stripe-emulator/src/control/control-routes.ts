// /_emulator/*: the non-Stripe control surface (no API key; same-origin only, see
// control-guard.ts): reset, snapshot, deliveries, chaos, faults, settings and completing a
// Checkout Session as its hosted page would.
import { z } from "zod";
import type { App, Settings } from "../app.ts";
import { completeCheckoutSession } from "../billing/checkout-completion.ts";
import { collectsAddress } from "../hosted/checkout-address.ts";
import { StripeHttpError } from "../http/errors.ts";
import type { FaultInjector } from "../http/faults.ts";
import { rateLimitSchema, type RateLimit, type RateLimiter } from "../http/rate-limit.ts";
import { parseForm } from "../http/params.ts";
import { getOr404 } from "../resources/lookup.ts";
import type { StoredEvent } from "../store.ts";
import { chaosSchema } from "../webhooks/chaos.ts";
import type { WebhookDispatcher } from "../webhooks/dispatcher.ts";
import { snapshot } from "./snapshot.ts";

export interface ControlDeps {
  app: App;
  dispatcher: WebhookDispatcher;
  faults: FaultInjector;
  rateLimiter: RateLimiter;
  reset: () => void;
}

export interface ControlResult {
  status: number;
  body: unknown;
  events?: StoredEvent[];
}

const settingsSchema = z
  .object({
    failedPaymentAction: z.enum(["cancel", "unpaid"]),
    retryDays: z.array(z.number().positive()),
    clockAdvanceDelayMs: z.number().int().min(0),
    portalSessionLifetimeSeconds: z.number().int().min(0),
    webhookRetryScheduleMs: z.array(z.number().int().min(0)),
    webhookTimeoutMs: z.number().int().positive(),
    rateLimit: rateLimitSchema,
  })
  .partial();

const completeSchema = z.object({
  card_number: z.string().default("4242424242424242"),
  email: z.string().optional(),
  name: z.string().optional(),
  authentication: z.enum(["succeed", "fail", "none"]).default("none"),
  address: z
    .object({
      country: z.string(),
      line1: z.string().optional(),
      city: z.string().optional(),
      postal_code: z.string().optional(),
    })
    .optional(),
  business: z.object({ name: z.string(), tax_id: z.string() }).optional(),
});

function readBody(raw: string, contentType: string | undefined): unknown {
  if (raw.trim() === "") return {};
  if (contentType?.includes("application/x-www-form-urlencoded") === true) return parseForm(raw);
  return JSON.parse(raw);
}

type SettingsView = Settings & { webhookRetryScheduleMs: number[]; webhookTimeoutMs: number; rateLimit: RateLimit };

function settingsView(deps: ControlDeps): SettingsView {
  return {
    ...deps.app.settings,
    webhookRetryScheduleMs: deps.dispatcher.options.retryScheduleMs,
    webhookTimeoutMs: deps.dispatcher.options.timeoutMs,
    rateLimit: deps.rateLimiter.limit,
  };
}

/** What the shortcut "types" when a session asks for an address and the caller gave none. */
const TEST_ADDRESS = { country: "US", line1: "1 Test Street", city: "Springfield", postalCode: "12345" };

function completeCheckout(deps: ControlDeps, sessionId: string, body: unknown): ControlResult {
  const { app } = deps;
  const input = completeSchema.parse(body);
  const session = getOr404(app.store.checkoutSessions, sessionId, "checkout.session");
  app.events.beginBatch();
  try {
    const completed = completeCheckoutSession(app, session, {
      cardNumber: input.card_number,
      authentication: input.authentication,
      ...(input.email === undefined ? {} : { email: input.email }),
      ...(input.name === undefined ? {} : { name: input.name }),
      ...(input.address === undefined
        ? collectsAddress(session)
          ? { address: TEST_ADDRESS }
          : {}
        : {
            address: {
              country: input.address.country,
              ...(input.address.line1 === undefined ? {} : { line1: input.address.line1 }),
              ...(input.address.city === undefined ? {} : { city: input.address.city }),
              ...(input.address.postal_code === undefined ? {} : { postalCode: input.address.postal_code }),
            },
          }),
      ...(input.business === undefined
        ? {}
        : { business: { name: input.business.name, taxId: input.business.tax_id } }),
    });
    const redirect = completed.success_url?.replace("{CHECKOUT_SESSION_ID}", completed.id) ?? null;
    return { status: 200, body: { session: completed, redirect_url: redirect }, events: app.events.endBatch() };
  } catch (error) {
    app.events.endBatch();
    throw error;
  }
}

/** GET /objects/:id — any stored object (events as they were sent), for the dashboard's links. */
function objectById(deps: ControlDeps, id: string): ControlResult {
  const event = deps.app.store.events.get(id);
  const found: unknown = event === undefined ? deps.app.store.findById(id) : JSON.parse(event.json);
  if (found === undefined) {
    throw new StripeHttpError(
      404,
      { type: "invalid_request_error", code: "resource_missing", message: `No such object: '${id}'` },
      false,
    );
  }
  return { status: 200, body: found };
}

export async function handleControl(
  deps: ControlDeps,
  method: string,
  url: URL,
  rawBody: string,
  contentType: string | undefined,
): Promise<ControlResult> {
  const path = url.pathname.replace(/^\/_emulator/, "");
  const body = method === "GET" || method === "DELETE" ? {} : readBody(rawBody, contentType);
  const complete = /^\/checkout\/sessions\/([^/]+)\/complete$/.exec(path);
  if (complete !== null && method === "POST")
    return completeCheckout(deps, decodeURIComponent(complete[1] ?? ""), body);
  const logged = /^\/requests\/([^/]+)$/.exec(path);
  if (logged !== null && method === "GET") {
    const entry = deps.app.failedRequests.get(decodeURIComponent(logged[1] ?? ""));
    return entry === undefined
      ? { status: 404, body: { error: { type: "invalid_request_error", message: "No such request in the log." } } }
      : { status: 200, body: entry };
  }
  const object = /^\/objects\/([^/]+)$/.exec(path);
  if (object !== null && method === "GET") return objectById(deps, decodeURIComponent(object[1] ?? ""));
  const route = `${method} ${path}`;
  switch (route) {
    case "GET /health":
      return { status: 200, body: { ok: true } };
    case "POST /reset":
      deps.reset();
      return { status: 200, body: { reset: true } };
    case "GET /snapshot":
      return { status: 200, body: snapshot(deps.app.store) };
    case "GET /deliveries": {
      const event = url.searchParams.get("event");
      const endpoint = url.searchParams.get("endpoint");
      const deliveries = deps.dispatcher.log.filter(
        (entry) => (event === null || entry.eventId === event) && (endpoint === null || entry.endpoint === endpoint),
      );
      return { status: 200, body: { deliveries } };
    }
    case "DELETE /deliveries":
      deps.dispatcher.clearLog();
      return { status: 200, body: { cleared: true } };
    case "POST /deliveries/wait": {
      const timeoutMs = z.object({ timeoutMs: z.number().int().positive().default(10_000) }).parse(body).timeoutMs;
      const idle = await Promise.race([
        deps.dispatcher.idle().then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref()),
      ]);
      return { status: idle ? 200 : 408, body: { idle } };
    }
    case "GET /chaos":
      return { status: 200, body: deps.dispatcher.chaos };
    case "POST /chaos":
      deps.dispatcher.chaos = { ...deps.dispatcher.chaos, ...chaosSchema.partial().parse(body) };
      return { status: 200, body: deps.dispatcher.chaos };
    case "GET /faults":
      return { status: 200, body: { faults: deps.faults.list() } };
    case "POST /faults":
      return { status: 200, body: deps.faults.add(body) };
    case "DELETE /faults":
      deps.faults.clear();
      return { status: 200, body: { faults: [] } };
    case "GET /settings":
      return { status: 200, body: settingsView(deps) };
    case "POST /settings": {
      const { webhookRetryScheduleMs, webhookTimeoutMs, rateLimit, ...settings } = settingsSchema.parse(body);
      deps.app.settings = { ...deps.app.settings, ...settings };
      if (webhookRetryScheduleMs !== undefined) deps.dispatcher.options.retryScheduleMs = webhookRetryScheduleMs;
      if (webhookTimeoutMs !== undefined) deps.dispatcher.options.timeoutMs = webhookTimeoutMs;
      if (rateLimit !== undefined) deps.rateLimiter.limit = rateLimit;
      return { status: 200, body: settingsView(deps) };
    }
    default:
      throw new StripeHttpError(
        404,
        { type: "invalid_request_error", message: `Unknown emulator control route: ${route}` },
        false,
      );
  }
}
