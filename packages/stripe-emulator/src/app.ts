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
