// Calendar arithmetic for billing periods, and which clock an object lives on.
import type Stripe from "stripe";
import type { Store } from "./store.ts";

export const DAY = 86_400;

export function realNow(): number {
  return Math.floor(Date.now() / 1000);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

/**
 * Adds `count` intervals the way Stripe bills: months keep the anchor's day, clamped to the
 * month's last day (Jan 31 → Feb 28 → Mar 31 when anchored on the 31st).
 */
export function addInterval(
  from: number,
  interval: Stripe.Price.Recurring.Interval,
  count: number,
  anchorDay?: number,
): number {
  if (interval === "day") return from + count * DAY;
  if (interval === "week") return from + count * 7 * DAY;
  const date = new Date(from * 1000);
  const months = interval === "year" ? count * 12 : count;
  const totalMonth = date.getUTCMonth() + months;
  const year = date.getUTCFullYear() + Math.floor(totalMonth / 12);
  const month = ((totalMonth % 12) + 12) % 12;
  const day = Math.min(anchorDay ?? date.getUTCDate(), daysInMonth(year, month));
  return Math.floor(Date.UTC(year, month, day, date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()) / 1000);
}

export function anchorDayOf(timestamp: number): number {
  return new Date(timestamp * 1000).getUTCDate();
}

/** The test clock a customer is attached to, if any. */
export function clockIdOf(store: Store, customerId: string | null | undefined): string | null {
  if (customerId === null || customerId === undefined) return null;
  const clock = store.customers.get(customerId)?.test_clock;
  if (clock === null || clock === undefined) return null;
  return typeof clock === "string" ? clock : clock.id;
}

/** "Now" for an object: its customer's frozen test-clock time, or the wall clock. */
export function nowFor(store: Store, customerId: string | null | undefined): number {
  const clockId = clockIdOf(store, customerId);
  if (clockId === null) return realNow();
  return store.testClocks.get(clockId)?.frozen_time ?? realNow();
}
