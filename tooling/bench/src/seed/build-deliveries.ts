// The deliveries the load generator sends: Stripe's own recorded events (from
// events.list), one or more per customer, plus a share of duplicates, in a fixed
// pseudo-random order so two runs send the same sequence.
import { customerIdOf, HANDLED_EVENTS } from "@saas/billing";
import { seededRandom } from "@saas/billing/seeded-random";
import type Stripe from "stripe";

export type Delivery = { id: string; customerId: string; type: string; payload: string };
export type DeliveryPlan = { deliveries: Delivery[]; unique: number; duplicates: number; cloned: number };

export async function listHandledEvents(stripe: Stripe, customers: ReadonlySet<string>): Promise<Stripe.Event[]> {
  const events: Stripe.Event[] = [];
  for await (const event of stripe.events.list({ types: [...HANDLED_EVENTS], limit: 100 })) {
    const customer = customerIdOf(event);
    if (customer && customers.has(customer)) events.push(event);
    if (events.length >= 200_000) break; // bounded, whatever the emulator holds
  }
  return events.reverse(); // oldest first, as they happened
}

/**
 * `total` deliveries of which `duplicateShare` repeat an earlier event. Events are taken
 * round-robin across customers so every customer is synced at least once; when Stripe
 * recorded fewer than needed, copies of real events with new ids make up the rest
 * (`idPrefix` keeps each phase's copies apart).
 */
export function planDeliveries(
  events: Stripe.Event[],
  options: { total: number; duplicateShare: number; seed: number; idPrefix?: string; cloneAll?: boolean },
): DeliveryPlan {
  const unique = Math.max(1, Math.round(options.total * (1 - options.duplicateShare)));
  const byCustomer = new Map<string, Stripe.Event[]>();
  for (const event of events) {
    const customer = customerIdOf(event) as string;
    byCustomer.set(customer, [...(byCustomer.get(customer) ?? []), event]);
  }
  const queues = [...byCustomer.values()];
  const picked: Stripe.Event[] = [];
  for (let depth = 0; picked.length < unique && queues.some((queue) => queue.length > depth); depth++) {
    for (const queue of queues) {
      const event = queue[depth];
      if (event && picked.length < unique) picked.push(event);
    }
  }
  const real = options.cloneAll ? 0 : picked.length;
  const sources = options.cloneAll ? picked : events;
  const chosen: Delivery[] = picked.slice(0, real).map((event) => toDelivery(event, event.id));
  for (let n = 0; chosen.length < unique && sources.length; n++) {
    const source = sources[n % sources.length] as Stripe.Event;
    chosen.push(toDelivery(source, `evt_${options.idPrefix ?? "copy"}_${n}_${source.id.slice(4, 14)}`));
  }
  const random = seededRandom(options.seed);
  const duplicates = shuffle([...chosen], random).slice(0, Math.min(chosen.length, options.total - chosen.length));
  return {
    deliveries: shuffle([...chosen, ...duplicates], random),
    unique: chosen.length,
    duplicates: duplicates.length,
    cloned: chosen.length - real,
  };
}

function toDelivery(event: Stripe.Event, id: string): Delivery {
  return { id, customerId: customerIdOf(event) as string, type: event.type, payload: JSON.stringify({ ...event, id }) };
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}
