// The HTML side of the server: the dashboard at / and the hosted pages, each page's changes
// published to webhooks once its response is on the wire (as an API request's are).
import type { ServerResponse } from "node:http";
import type { App } from "../app.ts";
import { renderDashboard } from "../dashboard/dashboard-page.ts";
import { parseForm } from "../http/params.ts";
import type { StoredEvent } from "../store.ts";
import type { DeliveryRecord } from "../webhooks/dispatcher.ts";
import type { HostedPageResponse, HostedPages } from "./hosted-pages.ts";

export interface PageDeps {
  app: App;
  hostedPages: HostedPages;
  deliveries: readonly DeliveryRecord[];
  publish: (events: StoredEvent[]) => void;
}

const HOSTED = /^\/(c\/pay|p\/session|i)\/([^/]+)((?:\/[^/]+)*)$/;

function sendHtml(response: ServerResponse, page: HostedPageResponse): void {
  response.writeHead(page.location === undefined ? page.status : 303, {
    "Content-Type": "text/html; charset=utf-8",
    // Hosted pages show live state: never let the browser (or bfcache) serve a stale copy.
    "Cache-Control": "no-store",
    ...(page.location === undefined ? {} : { Location: page.location }),
  });
  response.end(page.html);
}

/** Answers the request when it is for a page; false leaves it to the API. */
export function servePage(
  deps: PageDeps,
  method: string,
  url: URL,
  rawBody: string,
  response: ServerResponse,
): boolean {
  const { app } = deps;
  if (method === "GET" && url.pathname === "/") {
    sendHtml(response, { status: 200, html: renderDashboard(app, deps.deliveries, url.searchParams) });
    return true;
  }
  if (url.pathname === "/favicon.ico") {
    response.writeHead(204).end();
    return true;
  }
  const hosted = HOSTED.exec(url.pathname);
  if (hosted === null) return false;
  const kind = hosted[1] === "c/pay" ? "checkout" : hosted[1] === "p/session" ? "portal" : "invoice";
  app.events.beginBatch();
  let page: HostedPageResponse;
  try {
    page = deps.hostedPages({
      app,
      kind,
      id: decodeURIComponent(hosted[2] ?? ""),
      path: hosted[3] ?? "",
      query: url.searchParams,
      method,
      form: method === "POST" ? parseForm(rawBody) : {},
    });
  } finally {
    const events = app.events.endBatch();
    if (events.length > 0) response.on("finish", () => deps.publish(events));
    if (events.length > 0 || method === "POST") app.onChange();
  }
  sendHtml(response, page);
  return true;
}
