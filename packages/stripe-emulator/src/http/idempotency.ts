// Idempotency-Key on POST: same key + same request → the first response replayed; same key +
// different request → idempotency_error. Keys expire after 24 hours, as on Stripe.
import type { ParsedQs } from "qs";
import { StripeHttpError } from "./errors.ts";

interface Saved {
  fingerprint: string;
  status: number;
  body: string;
  savedAt: number;
}

const TTL_MS = 24 * 60 * 60 * 1000;

function canonical(value: ParsedQs[string]): string {
  if (value === undefined) return "";
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item) => canonical(item)).join(",")}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`).join(",")}}`;
}

export function fingerprint(method: string, path: string, params: ParsedQs): string {
  return `${method} ${path} ${canonical(params)}`;
}

export class IdempotencyCache {
  private readonly saved = new Map<string, Saved>();

  /** The stored response to replay, or undefined when the key is new. */
  lookup(scope: string, key: string, print: string): Saved | undefined {
    const entry = this.saved.get(`${scope}|${key}`);
    if (entry === undefined) return undefined;
    if (Date.now() - entry.savedAt > TTL_MS) {
      this.saved.delete(`${scope}|${key}`);
      return undefined;
    }
    if (entry.fingerprint !== print) {
      throw new StripeHttpError(
        400,
        {
          type: "idempotency_error",
          message:
            "Keys for idempotent requests can only be used with the same parameters they were first used with. " +
            `Try using a key other than '${key}' if you meant to execute a different request.`,
        },
        false,
      );
    }
    return entry;
  }

  save(scope: string, key: string, print: string, status: number, body: string): void {
    this.saved.set(`${scope}|${key}`, { fingerprint: print, status, body, savedAt: Date.now() });
  }

  clear(): void {
    this.saved.clear();
  }
}
