// Records events as Stripe would send them, snapshotting data.object at the moment of the change.
import type Stripe from "stripe";
import { newId } from "../ids.ts";
import type { Store, StoredEvent } from "../store.ts";
import { nowFor, realNow } from "../time.ts";

export const API_VERSION = "2026-10-28.endive";

type EventOf<T extends Stripe.Event.Type> = Extract<Stripe.Event, { type: T }>;
export type EventObject<T extends Stripe.Event.Type> = EventOf<T>["data"]["object"];

export interface RequestInfo {
  id: string;
  idempotencyKey: string | null;
}

type Listener = (event: StoredEvent) => void;

export class EventLog {
  private readonly listeners: Listener[] = [];
  private batch: StoredEvent[] | null = null;
  /** Set by the server while it handles an API request, so events carry `request.id`. */
  currentRequest: RequestInfo | null = null;
  /** How many endpoints will receive an event of this type (Stripe's `pending_webhooks`). */
  countTargets: (type: string) => number = () => 0;

  constructor(private readonly store: Store) {}

  onEvent(listener: Listener): void {
    this.listeners.push(listener);
  }

  /** Holds events back until the API response is written, like Stripe does. */
  beginBatch(): void {
    this.batch = [];
  }

  endBatch(): StoredEvent[] {
    const held = this.batch ?? [];
    this.batch = null;
    return held;
  }

  publish(events: StoredEvent[]): void {
    for (const event of events) for (const listener of this.listeners) listener(event);
  }

  /** Type-checked pairing of event type and object. */
  emit<T extends Stripe.Event.Type>(
    type: T,
    object: EventObject<T> & { id: string },
    previousAttributes?: Record<string, unknown>,
  ): StoredEvent {
    return this.record(type, object, previousAttributes);
  }

  /** For generic callers that already proved the pairing (see commit-update.ts). */
  record(type: Stripe.Event.Type, object: { id: string }, previousAttributes?: Record<string, unknown>): StoredEvent {
    const id = newId("event");
    const created = this.timeOf(object);
    const event: Stripe.EventBase = {
      id,
      object: "event",
      api_version: API_VERSION,
      created,
      data: previousAttributes === undefined ? { object } : { object, previous_attributes: previousAttributes },
      livemode: false,
      pending_webhooks: this.countTargets(type),
      request:
        this.currentRequest === null
          ? { id: null, idempotency_key: null }
          : { id: this.currentRequest.id, idempotency_key: this.currentRequest.idempotencyKey },
      type,
    };
    const stored: StoredEvent = { id, type, created, objectId: object.id, json: JSON.stringify(event) };
    this.store.events.set(id, stored);
    if (this.batch === null) this.publish([stored]);
    else this.batch.push(stored);
    return stored;
  }

  private timeOf(object: object): number {
    if ("object" in object && object.object === "test_helpers.test_clock" && "frozen_time" in object) {
      return typeof object.frozen_time === "number" ? object.frozen_time : realNow();
    }
    if ("object" in object && object.object === "customer" && "id" in object && typeof object.id === "string") {
      return nowFor(this.store, object.id);
    }
    if ("customer" in object && typeof object.customer === "string") return nowFor(this.store, object.customer);
    return realNow();
  }
}
