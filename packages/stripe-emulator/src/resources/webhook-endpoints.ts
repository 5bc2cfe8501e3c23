// /v1/webhook_endpoints: the secret is returned on create only, as Stripe does.
import type Stripe from "stripe";
import { API_VERSION } from "../events/event-log.ts";
import { invalidRequest } from "../http/errors.ts";
import { applyMetadata, type Params } from "../http/params.ts";
import { newId, newWebhookSecret } from "../ids.ts";
import { LIST_PARAMS, paginate } from "../list.ts";
import { reply, requireParam, route, type ApiContext, type Route } from "../router.ts";
import { Store } from "../store.ts";
import { realNow } from "../time.ts";
import { getOr404 } from "./lookup.ts";

function validUrl(input: Params): string | undefined {
  const url = input.string("url");
  if (url === undefined) return undefined;
  if (!/^https?:\/\/\S+$/.test(url)) throw invalidRequest("Invalid URL: must be a valid http(s) URL.", "url");
  return url;
}

function create(ctx: ApiContext) {
  const input = ctx.input.allow([
    "url",
    "enabled_events",
    "api_version",
    "description",
    "metadata",
    "connect",
    "expand",
  ]);
  const url = validUrl(input);
  if (url === undefined) throw invalidRequest("Missing required param: url.", "url", "parameter_missing");
  const events = input.stringList("enabled_events");
  if (events === undefined || events.length === 0) {
    throw invalidRequest("Missing required param: enabled_events.", "enabled_events", "parameter_missing");
  }
  const endpoint: Stripe.WebhookEndpoint = {
    id: newId("webhookEndpoint"),
    object: "webhook_endpoint",
    api_version: input.string("api_version") ?? API_VERSION,
    application: null,
    created: realNow(),
    description: input.string("description") ?? null,
    enabled_events: events,
    livemode: false,
    metadata: applyMetadata(null, input.metadata()),
    status: "enabled",
    url,
  };
  const secret = newWebhookSecret();
  ctx.app.store.webhookEndpoints.set(endpoint.id, endpoint);
  ctx.app.store.endpointSecrets.set(endpoint.id, secret);
  const withSecret: Stripe.WebhookEndpoint = { ...endpoint, secret };
  return reply(ctx, withSecret);
}

function update(ctx: ApiContext) {
  const input = ctx.input.allow(["url", "enabled_events", "description", "metadata", "disabled", "expand"]);
  const endpoint = getOr404(ctx.app.store.webhookEndpoints, requireParam(ctx, "id"), "webhook endpoint");
  const next: Stripe.WebhookEndpoint = { ...endpoint, metadata: applyMetadata(endpoint.metadata, input.metadata()) };
  const url = validUrl(input);
  if (url !== undefined) next.url = url;
  const events = input.stringList("enabled_events");
  if (events !== undefined && events.length > 0) next.enabled_events = events;
  const description = input.nullableString("description");
  if (description !== undefined) next.description = description;
  const disabled = input.bool("disabled");
  if (disabled !== undefined) next.status = disabled ? "disabled" : "enabled";
  ctx.app.store.webhookEndpoints.set(next.id, next);
  return reply(ctx, next);
}

export const webhookEndpointRoutes: Route[] = [
  route("POST", "/v1/webhook_endpoints", create),
  route("GET", "/v1/webhook_endpoints", (ctx) => {
    const input = ctx.input.allow(LIST_PARAMS);
    return reply(ctx, paginate(Store.newestFirst(ctx.app.store.webhookEndpoints), input, "/v1/webhook_endpoints"));
  }),
  route("GET", "/v1/webhook_endpoints/:id", (ctx) => {
    ctx.input.allow(["expand"]);
    return reply(ctx, getOr404(ctx.app.store.webhookEndpoints, requireParam(ctx, "id"), "webhook endpoint"));
  }),
  route("POST", "/v1/webhook_endpoints/:id", update),
  route("DELETE", "/v1/webhook_endpoints/:id", (ctx) => {
    ctx.input.allow([]);
    const endpoint = getOr404(ctx.app.store.webhookEndpoints, requireParam(ctx, "id"), "webhook endpoint");
    ctx.app.store.webhookEndpoints.delete(endpoint.id);
    ctx.app.store.endpointSecrets.delete(endpoint.id);
    const deleted: Stripe.DeletedWebhookEndpoint = { id: endpoint.id, object: "webhook_endpoint", deleted: true };
    return reply(ctx, deleted);
  }),
];
