// Fault injection for API calls: answer 500 api_error, answer 429 rate_limit as if the key were over
// its limit, or hang until the client gives up.
import { z } from "zod";

const faultSchema = z.object({
  /** Path pattern; `*` matches any run of characters, e.g. "/v1/customers*". */
  path: z.string().min(1),
  method: z.string().optional(),
  count: z.number().int().positive().default(1),
  mode: z.enum(["error", "hang", "rate_limit"]).default("error"),
  /**
   * Only requests whose decoded form body or query string contains this text, e.g. a
   * customer id, so tests running in parallel against one emulator fault only their own calls.
   */
  match: z.string().min(1).optional(),
});

export type FaultInput = z.input<typeof faultSchema>;

export interface Fault {
  id: number;
  path: string;
  method: string | null;
  remaining: number;
  mode: "error" | "hang" | "rate_limit";
  match: string | null;
}

function globToRegExp(pattern: string): RegExp {
  const escaped = pattern
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${escaped}$`);
}

export class FaultInjector {
  private faults: Array<Fault & { regex: RegExp }> = [];
  private nextId = 1;

  add(input: unknown): Fault {
    const parsed = faultSchema.parse(input);
    const fault = {
      id: this.nextId++,
      path: parsed.path,
      method: parsed.method?.toUpperCase() ?? null,
      remaining: parsed.count,
      mode: parsed.mode,
      match: parsed.match ?? null,
      regex: globToRegExp(parsed.path),
    };
    this.faults.push(fault);
    return this.describe(fault);
  }

  /** Consumes one use of the first fault matching this request; `params` is its raw form body or query string. */
  take(method: string, path: string, params = ""): Fault | undefined {
    const decoded = safeDecode(params);
    const fault = this.faults.find(
      (candidate) =>
        candidate.remaining > 0 &&
        (candidate.method === null || candidate.method === method) &&
        candidate.regex.test(path) &&
        (candidate.match === null || decoded.includes(candidate.match)),
    );
    if (fault === undefined) return undefined;
    fault.remaining -= 1;
    if (fault.remaining === 0) this.faults = this.faults.filter((candidate) => candidate !== fault);
    return this.describe(fault);
  }

  list(): Fault[] {
    return this.faults.map((fault) => this.describe(fault));
  }

  clear(): void {
    this.faults = [];
  }

  private describe(fault: Fault): Fault {
    return {
      id: fault.id,
      path: fault.path,
      method: fault.method,
      remaining: fault.remaining,
      mode: fault.mode,
      match: fault.match,
    };
  }
}

function safeDecode(params: string): string {
  try {
    return decodeURIComponent(params.replace(/\+/g, " "));
  } catch {
    return params;
  }
}
