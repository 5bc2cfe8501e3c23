// /v1/events: retrieve and list, served as the exact JSON recorded when each event happened.
import { inRange } from "../http/params.ts";
import { LIST_PARAMS, paginate } from "../list.ts";
import { RawJson, requireParam, route, type ApiContext, type Route } from "../router.ts";
import { Store, type StoredEvent } from "../store.ts";
import { getOr404 } from "./lookup.ts";

function typeMatches(pattern: string, type: string): boolean {
  if (pattern.endsWith(".*")) return type.startsWith(pattern.slice(0, -1));
  return pattern === "*" || pattern === type;
}

function list(ctx: ApiContext) {
  const input = ctx.input.allow([...LIST_PARAMS, "type", "types", "created", "delivery_success"]);
  const type = input.string("type");
  const types = input.stringList("types");
  const created = input.range("created");
  const items = Store.newestFirst(ctx.app.store.events).filter(
    (event: StoredEvent) =>
      (type === undefined || typeMatches(type, event.type)) &&
      (types === undefined || types.some((pattern) => typeMatches(pattern, event.type))) &&
      inRange(event.created, created),
  );
  const page = paginate(items, input, "/v1/events");
  const data = page.data.map((event) => event.json).join(",");
  return {
    status: 200,
    body: new RawJson(`{"object":"list","data":[${data}],"has_more":${page.has_more},"url":"/v1/events"}`),
  };
}

export const eventRoutes: Route[] = [
  route("GET", "/v1/events", list),
  route("GET", "/v1/events/:id", (ctx) => {
    ctx.input.allow(["expand"]);
    const event = getOr404(ctx.app.store.events, requireParam(ctx, "id"), "event");
    return { status: 200, body: new RawJson(event.json) };
  }),
];
