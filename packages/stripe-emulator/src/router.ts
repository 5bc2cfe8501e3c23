// A plain dispatch table: method + path pattern (":name" segments) → handler.
import type { App } from "./app.ts";
import { applyExpand } from "./expand.ts";
import type { Params } from "./http/params.ts";

export interface ApiContext {
  app: App;
  params: Record<string, string>;
  input: Params;
  method: string;
  path: string;
}

/** A pre-serialized JSON body (stored events are kept as the exact text that was sent). */
export class RawJson {
  constructor(readonly text: string) {}
}

export interface ApiResponse {
  status: number;
  body: unknown;
}

export type Handler = (ctx: ApiContext) => ApiResponse;

export interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
}

export function route(method: string, path: string, handler: Handler): Route {
  const keys: string[] = [];
  const source = path
    .split("/")
    .map((segment) => {
      if (!segment.startsWith(":")) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      keys.push(segment.slice(1));
      return "([^/]+)";
    })
    .join("/");
  return { method, pattern: new RegExp(`^${source}$`), keys, handler };
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

export function matchRoute(routes: readonly Route[], method: string, path: string): RouteMatch | undefined {
  for (const candidate of routes) {
    if (candidate.method !== method) continue;
    const match = candidate.pattern.exec(path);
    if (match === null) continue;
    const params: Record<string, string> = {};
    candidate.keys.forEach((key, index) => {
      params[key] = decodeURIComponent(match[index + 1] ?? "");
    });
    return { route: candidate, params };
  }
  return undefined;
}

/** 200 with the request's `expand[]` (or the given paths) applied. */
export function reply(ctx: ApiContext, body: unknown, paths: readonly string[] = ctx.input.expand()): ApiResponse {
  return { status: 200, body: paths.length === 0 ? body : applyExpand(ctx.app.store, body, paths) };
}

export function requireParam(ctx: ApiContext, key: string): string {
  const value = ctx.params[key];
  if (value === undefined) throw new Error(`route is missing :${key}`);
  return value;
}
