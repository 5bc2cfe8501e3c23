// Delivers events like `stripe listen` and Stripe's own endpoints: after the API response, in
// creation order per object and endpoint, retried with backoff, logged, optionally with chaos.
import type { StoredEvent } from "../store.ts";
import { NO_CHAOS, randomDelay, type ChaosSettings } from "./chaos.ts";
import { Poster } from "./post.ts";
import { signatureHeader } from "./sign.ts";

export interface DeliveryTarget {
  /** A webhook endpoint id, or "forward" for the `forwardTo` URL. */
  id: string;
  url: string;
  secret: string;
  enabledEvents: readonly string[];
}

export interface DeliveryRecord {
  eventId: string;
  eventType: string;
  endpoint: string;
  url: string;
  attempt: number;
  status: number | null;
  ok: boolean;
  durationMs: number;
  error: string | null;
  duplicate: boolean;
  at: string;
}

export interface DispatcherOptions {
  /** Wait before each retry (ms); its length is the number of retries. */
  retryScheduleMs: number[];
  timeoutMs: number;
  logLimit: number;
  targets: () => DeliveryTarget[];
  /** A target answered 2xx to the event for the first time (duplicates aside). */
  onAcknowledged?: (eventId: string) => void;
}

function wants(target: DeliveryTarget, type: string): boolean {
  return target.enabledEvents.some(
    (pattern) =>
      pattern === "*" || pattern === type || (pattern.endsWith(".*") && type.startsWith(pattern.slice(0, -1))),
  );
}

export class WebhookDispatcher {
  chaos: ChaosSettings = { ...NO_CHAOS };
  readonly log: DeliveryRecord[] = [];
  private readonly poster = new Poster();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private pending = 0;
  private idleWaiters: Array<() => void> = [];
  private stopped = false;
  /** `event:target` pairs already answered 2xx, so a retry's or duplicate's success counts once. */
  private readonly acknowledged = new Set<string>();

  constructor(readonly options: DispatcherOptions) {}

  countTargets(type: string): number {
    return this.options.targets().filter((target) => wants(target, type)).length;
  }

  enqueue(event: StoredEvent): void {
    for (const target of this.options.targets()) {
      if (!wants(target, event.type)) continue;
      this.schedule(event, target, false);
      if (Math.random() < this.chaos.duplicateProbability) this.schedule(event, target, true);
    }
  }

  private schedule(event: StoredEvent, target: DeliveryTarget, duplicate: boolean): void {
    this.pending += 1;
    if (this.chaos.reorderWindowMs > 0) {
      // Reordering on purpose: each delivery waits a random time, outside the per-object chain.
      this.after(randomDelay(this.chaos.reorderWindowMs), () => void this.attempt(event, target, 1, duplicate));
      return;
    }
    const key = `${target.id}:${event.objectId}`;
    const previous = this.chains.get(key) ?? Promise.resolve();
    const next = previous
      .then(() => this.delay(randomDelay(this.chaos.maxDelayMs)))
      .then(() => this.attempt(event, target, 1, duplicate));
    this.chains.set(key, next);
    void next.then(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
  }

  private delay(ms: number): Promise<void> {
    if (ms === 0) return Promise.resolve();
    return new Promise((resolve) => this.after(ms, resolve));
  }

  private after(ms: number, work: () => void): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      work();
    }, ms);
    this.timers.add(timer);
  }

  /** Resolves the first attempt; retries continue in the background. */
  private async attempt(
    event: StoredEvent,
    target: DeliveryTarget,
    attempt: number,
    duplicate: boolean,
  ): Promise<void> {
    if (this.stopped) return this.settle();
    const headers = {
      "Stripe-Signature": signatureHeader(event.json, target.secret),
      "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
    };
    const result = await this.poster.post(target.url, event.json, headers, this.options.timeoutMs);
    const ok = result.status !== null && result.status >= 200 && result.status < 300;
    this.record({
      eventId: event.id,
      eventType: event.type,
      endpoint: target.id,
      url: target.url,
      attempt,
      status: result.status,
      ok,
      durationMs: result.durationMs,
      error: result.error,
      duplicate,
      at: new Date().toISOString(),
    });
    const pair = `${event.id}:${target.id}`;
    if (ok && !this.acknowledged.has(pair)) {
      this.acknowledged.add(pair);
      this.options.onAcknowledged?.(event.id);
    }
    const wait = this.options.retryScheduleMs[attempt - 1];
    if (ok || wait === undefined || this.stopped) return this.settle();
    this.after(wait, () => void this.attempt(event, target, attempt + 1, duplicate));
  }

  private record(entry: DeliveryRecord): void {
    this.log.push(entry);
    if (this.log.length > this.options.logLimit) this.log.splice(0, this.log.length - this.options.logLimit);
  }

  private settle(): void {
    this.pending -= 1;
    if (this.pending > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Resolves once every scheduled delivery (including retries) has finished or given up. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  clearLog(): void {
    this.acknowledged.clear();
    this.log.length = 0;
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.poster.destroy();
    this.pending = 0;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
