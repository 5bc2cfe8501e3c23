// The same bodies POSTed to any HTTP endpoint by the closed-loop client: the webhook route
// (signed at send time, as Stripe signs), the empty Remix route and the bare node:http server
// all get the same deliveries, the same client and the same number in flight.
import type Stripe from "stripe";
import { HttpClient } from "../load/http-client.ts";
import { runPool } from "../load/run-pool.ts";
import { summarize, type Latency } from "../load/stats.ts";
import type { Delivery } from "../seed/build-deliveries.ts";
import { tally } from "../ingest/ingest-result.ts";

export type PostResult = {
  deliveries: number;
  seconds: number;
  perSecond: number;
  latency: Latency;
  /** The app's outcome field for a 200 (queued, duplicate…), else http-<status> or error. */
  outcomes: Record<string, number>;
};

/** Where to send: the webhook route gets a fresh signature per request, the rest plain JSON. */
export type Endpoint =
  | { kind: "webhook"; baseUrl: string; stripe: Stripe; secret: string }
  | { kind: "plain"; baseUrl: string; path: string; headers?: Record<string, string> };

const OK_OUTCOMES = new Set(["queued", "applied", "duplicate", "ignored", "ok"]);

export async function postDeliveries(
  endpoint: Endpoint,
  deliveries: readonly Delivery[],
  concurrency: number,
): Promise<PostResult & { answers: string[]; samples: number[] }> {
  const client = new HttpClient(endpoint.baseUrl, concurrency);
  try {
    const send = async (delivery: Delivery) => {
      const headers: Record<string, string> = { "content-type": "application/json" };
      let path: string;
      if (endpoint.kind === "webhook") {
        path = "/api/webhooks/stripe";
        headers["stripe-signature"] = endpoint.stripe.webhooks.generateTestHeaderString({
          payload: delivery.payload,
          secret: endpoint.secret,
        });
      } else {
        path = endpoint.path;
        Object.assign(headers, endpoint.headers);
      }
      try {
        const response = await client.request("POST", path, { body: delivery.payload, headers });
        return { outcome: outcomeOf(endpoint, response.status, response.body), ms: response.ms };
      } catch (error) {
        return { outcome: `error:${error instanceof Error ? error.message.slice(0, 60) : String(error)}`, ms: NaN };
      }
    };
    const { results, seconds } = await runPool(deliveries, concurrency, send);
    const answers = results.map((r) => r.outcome);
    const samples = results.map((r) => r.ms).filter(Number.isFinite);
    return {
      deliveries: deliveries.length,
      seconds,
      perSecond: deliveries.length / seconds,
      latency: summarize(samples),
      outcomes: tally(answers),
      answers,
      samples,
    };
  } finally {
    client.close();
  }
}

/** Parts of one measurement taken in turns with other paths, as one result. */
export function combine(parts: Array<PostResult & { samples: number[] }>): PostResult & { samples: number[] } {
  const samples = parts.flatMap((p) => p.samples);
  const deliveries = parts.reduce((sum, p) => sum + p.deliveries, 0);
  const seconds = parts.reduce((sum, p) => sum + p.seconds, 0);
  const outcomes: Record<string, number> = {};
  for (const part of parts)
    for (const [name, n] of Object.entries(part.outcomes)) outcomes[name] = (outcomes[name] ?? 0) + n;
  return { deliveries, seconds, perSecond: deliveries / seconds, latency: summarize(samples), outcomes, samples };
}

function outcomeOf(endpoint: Endpoint, status: number, body: string): string {
  if (status !== 200) return `http-${status}`;
  if (endpoint.kind === "plain") return "ok";
  try {
    const parsed = JSON.parse(body) as { outcome?: unknown };
    return typeof parsed.outcome === "string" ? parsed.outcome : "unknown";
  } catch {
    return "unparseable";
  }
}

/** Sends the deliveries that were not accepted again, as Stripe retries (bounded: 3 rounds, 4 in flight). */
export async function retryRefused(
  endpoint: Endpoint,
  deliveries: readonly Delivery[],
  answers: readonly string[],
): Promise<{ retried: number; stillRefused: number }> {
  let pending = deliveries.filter((_, index) => !OK_OUTCOMES.has(answers[index] ?? ""));
  const retried = pending.length;
  for (let attempt = 0; attempt < 3 && pending.length; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 500 * (attempt + 1)));
    const again = await postDeliveries(endpoint, pending, 4);
    pending = pending.filter((_, index) => !OK_OUTCOMES.has(again.answers[index] ?? ""));
  }
  return { retried, stillRefused: pending.length };
}
