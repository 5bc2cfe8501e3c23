// Stores the new version of an object and emits its `*.updated` event when anything changed.
import type Stripe from "stripe";
import type { App } from "../app.ts";
import { hasChanges, previousAttributes } from "../diff.ts";
import type { EventObject } from "./event-log.ts";

type Updatable<T extends Stripe.Event.Type> = EventObject<T> & { id: string };

export function commitUpdate<T extends Stripe.Event.Type>(
  app: App,
  type: T,
  map: Map<string, Updatable<T>>,
  before: Updatable<T>,
  after: Updatable<T>,
): Updatable<T> {
  map.set(after.id, after);
  const previous = previousAttributes(before, after);
  if (hasChanges(previous)) app.events.record(type, after, previous);
  return after;
}
