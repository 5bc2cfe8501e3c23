// Runs a trigger fixture against a Stripe-compatible API (the emulator, or Stripe's test mode):
// each step as one request, form-encoded as the SDKs send it, and then the events the run caused.
import qs from "qs";
import { FixtureError, resolvePath, resolveReferences, type Fixture } from "./fixture.ts";

export interface TriggerTarget {
  /** e.g. http://127.0.0.1:12111 or https://api.stripe.com */
  baseUrl: string;
  apiKey: string;
  /** Pinned like the app's client, so the responses have the shapes the app expects. */
  apiVersion?: string;
}

interface StepResult {
  name: string;
  method: string;
  path: string;
  status: number;
  requestId: string | null;
  /** The error type when the step failed as the fixture expected. */
  expectedError: string | null;
}

export interface TriggerResult {
  steps: StepResult[];
  /** Events the run's requests caused, oldest first. */
  events: Array<{ id: string; type: string }>;
}

export class TriggerStepFailed extends Error {
  constructor(
    readonly step: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    const error = (body as { error?: { message?: string; type?: string } } | null)?.error;
    super(`step "${step}" failed with ${status}: ${error?.message ?? JSON.stringify(body)}`);
  }
}

/** The emulator's own control surface takes JSON and a header; Stripe has no such paths. */
const CONTROL_PREFIX = "/_emulator/";

/**
 * The step's URL on the target, never elsewhere: a path such as `//other.host/…` would carry the
 * API key to another server.
 */
function urlOn(target: TriggerTarget, path: string): URL {
  const base = new URL(target.baseUrl);
  // A base with a path (a gateway's /stripe/) keeps it: the step's path goes under it.
  const prefix = base.pathname.replace(/\/+$/, "");
  const url = new URL(prefix + path, base);
  const outside = !path.startsWith("/") || path.startsWith("//") || !url.pathname.startsWith(prefix);
  if (url.origin !== base.origin || outside) {
    throw new FixtureError(`the path ${path} does not stay on ${base.origin}${prefix}`);
  }
  return url;
}

/** Form-encoded as the SDKs send it: keys and values escaped, brackets left readable. */
function encode(params: unknown): string {
  return qs.stringify(params, { arrayFormat: "indices" }).replace(/%5B/gi, "[").replace(/%5D/gi, "]");
}

async function send(target: TriggerTarget, method: string, path: string, params: unknown) {
  if (path.startsWith(CONTROL_PREFIX)) return sendControl(target, method, path, params);
  const encoded = encode(params);
  const url = urlOn(target, path);
  if (method !== "POST" && encoded !== "") url.search = encoded;
  const response = await fetch(url, {
    method,
    headers: {
      authorization: `Bearer ${target.apiKey}`,
      ...(target.apiVersion === undefined ? {} : { "stripe-version": target.apiVersion }),
      ...(method === "POST" ? { "content-type": "application/x-www-form-urlencoded" } : {}),
    },
    ...(method === "POST" ? { body: encoded } : {}),
  });
  const body: unknown = await response.json().catch(() => null);
  return { status: response.status, requestId: response.headers.get("request-id"), body };
}

async function sendControl(target: TriggerTarget, method: string, path: string, params: unknown) {
  const response = await fetch(urlOn(target, path), {
    method,
    headers: { "content-type": "application/json", "x-emulator-control": "1" },
    ...(method === "GET" ? {} : { body: JSON.stringify(params) }),
  });
  const body: unknown = await response.json().catch(() => null);
  return { status: response.status, requestId: response.headers.get("request-id"), body };
}

type EventRow = { id: string; type: string; request?: { id: string | null } };

async function listEvents(target: TriggerTarget, params: Record<string, unknown>): Promise<EventRow[]> {
  const { body } = await send(target, "GET", "/v1/events", { limit: 100, ...params });
  return (body as { data?: EventRow[] } | null)?.data ?? [];
}

/**
 * The events that came after `marker` (the newest event before the run) and were caused by the
 * run's requests, or by no request at all (what Stripe does itself, e.g. a completed Checkout).
 */
async function eventsSince(target: TriggerTarget, marker: string | null, requestIds: Set<string>) {
  // Newest first, a page at a time, back to the marker (at most 2,000 events).
  const events: EventRow[] = [];
  for (let page = 0; page < 20; page++) {
    const last = events.at(-1)?.id;
    const batch = await listEvents(target, last === undefined ? {} : { starting_after: last });
    const end = batch.findIndex((event) => event.id === marker);
    events.push(...(end === -1 ? batch : batch.slice(0, end)));
    if (end !== -1 || batch.length < 100) break;
  }
  return events
    .filter((event) => event.request?.id == null || requestIds.has(event.request.id))
    .reverse()
    .map(({ id, type }) => ({ id, type }));
}

export async function runFixture(
  target: TriggerTarget,
  fixture: Fixture,
  options: { env: Readonly<Record<string, string | undefined>>; log?: (line: string) => void },
): Promise<TriggerResult> {
  const log = options.log ?? (() => {});
  const { env } = options;
  const responses = new Map<string, unknown>();
  const steps: StepResult[] = [];
  const marker = (await listEvents(target, { limit: 1 }))[0]?.id ?? null;
  for (const step of fixture.fixtures) {
    const path = resolvePath(step.path, responses, env);
    const params = resolveReferences(step.params, responses, env);
    log(`Running fixture for: ${step.name} (${step.method} ${path})`);
    const { status, requestId, body } = await send(target, step.method, path, params);
    const errorType = (body as { error?: { type?: string } } | null)?.error?.type ?? null;
    const ok = status >= 200 && status < 300;
    if (step.expected_error_type !== undefined) {
      if (ok || errorType !== step.expected_error_type) {
        throw new FixtureError(
          `step "${step.name}" should have failed with ${step.expected_error_type}, ` +
            `but answered ${status}${errorType === null ? "" : ` (${errorType})`}`,
        );
      }
    } else if (!ok) {
      throw new TriggerStepFailed(step.name, status, body);
    }
    responses.set(step.name, ok ? body : (body as { error?: unknown }).error);
    steps.push({
      name: step.name,
      method: step.method,
      path,
      status,
      requestId,
      expectedError: ok ? null : errorType,
    });
  }
  const requestIds = new Set(steps.flatMap((step) => (step.requestId === null ? [] : [step.requestId])));
  return { steps, events: await eventsSince(target, marker, requestIds) };
}
