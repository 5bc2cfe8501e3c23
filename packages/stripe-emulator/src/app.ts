// The emulator's shared context: state, event log and behaviour settings handed to every handler.
import { EventLog } from "./events/event-log.ts";
import { Store } from "./store.ts";

export interface Settings {
  /** What happens to a subscription once the last payment retry fails. */
  failedPaymentAction: "cancel" | "unpaid";
  /** Days after the first failure on which a failed invoice is retried. */
  retryDays: number[];
  /** How long a test clock stays `advancing` before the simulated time runs. */
  clockAdvanceDelayMs: number;
  /** A Customer Portal link not opened within this many seconds answers 410, as Stripe's expire. */
  portalSessionLifetimeSeconds: number;
}

const DEFAULT_SETTINGS: Settings = {
  failedPaymentAction: "cancel",
  retryDays: [3, 5, 7],
  clockAdvanceDelayMs: 20,
  portalSessionLifetimeSeconds: 300,
};

export class App {
  readonly store = new Store();
  readonly events = new EventLog(this.store);
  settings: Settings = { ...DEFAULT_SETTINGS, retryDays: [...DEFAULT_SETTINGS.retryDays] };
  /** Where hosted pages (Checkout, Portal, invoices) are served; known once the server listens. */
  baseUrl = "http://127.0.0.1:12111";
  /** The last failed API requests by id, for the `request_log_url` their errors carry. */
  readonly failedRequests = new RequestLog();
  /** Called after any state change so persistence can save. */
  onChange: () => void = () => {};
  private readonly timers = new Set<NodeJS.Timeout>();

  /** Deferred work (e.g. a test clock advancing) that `stop()` can cancel. */
  later(ms: number, work: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      work();
      this.onChange();
    }, ms);
    this.timers.add(timer);
  }

  cancelTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

interface LoggedRequest {
  id: string;
  method: string;
  path: string;
  status: number;
  error: unknown;
  at: string;
}

/** The most recent failed requests, oldest dropped first: what Stripe's request log shows of them. */
class RequestLog {
  private readonly entries = new Map<string, LoggedRequest>();

  constructor(private readonly limit = 1_000) {}

  add(entry: LoggedRequest): void {
    this.entries.set(entry.id, entry);
    if (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value ?? "");
  }

  get(id: string): LoggedRequest | undefined {
    return this.entries.get(id);
  }

  clear(): void {
    this.entries.clear();
  }
}
