// /v1/test_helpers/test_clocks: frozen time per customer; advancing runs renewals, retries, trials.
import type Stripe from "stripe";
import type { App } from "../app.ts";
import { runUntil } from "../billing/time-engine.ts";
import { invalidRequest } from "../http/errors.ts";
import { newId } from "../ids.ts";
import { LIST_PARAMS, paginate } from "../list.ts";
import { reply, requireParam, route, type ApiContext, type Route } from "../router.ts";
import { Store } from "../store.ts";
import { DAY, realNow } from "../time.ts";
import { deleteCustomer } from "./customers.ts";
import { getOr404, idOf } from "./lookup.ts";

function setClock(app: App, clock: Stripe.TestHelpers.TestClock): Stripe.TestHelpers.TestClock {
  app.store.testClocks.set(clock.id, clock);
  return clock;
}

/** Runs the simulated time between the clock's frozen time and `target`, then marks it ready. */
function completeAdvance(app: App, clockId: string, target: number): void {
  const inScope = (customerId: string) => idOf(app.store.customers.get(customerId)?.test_clock) === clockId;
  const moveTo = (at: number) => {
    const clock = app.store.testClocks.get(clockId);
    if (clock !== undefined && at > clock.frozen_time) setClock(app, { ...clock, frozen_time: at });
  };
  try {
    runUntil(app, inScope, target, moveTo);
  } catch (error) {
    const clock = app.store.testClocks.get(clockId);
    if (clock === undefined) return;
    const failed = setClock(app, { ...clock, status: "internal_failure", status_details: {} });
    app.events.emit("test_helpers.test_clock.internal_failure", failed);
    console.error(`[stripe-emulator] test clock ${clockId} failed:`, error instanceof Error ? error.message : error);
    return;
  }
  const clock = app.store.testClocks.get(clockId);
  if (clock === undefined) return;
  const ready = setClock(app, { ...clock, frozen_time: target, status: "ready", status_details: {} });
  app.events.emit("test_helpers.test_clock.ready", ready);
}

function create(ctx: ApiContext) {
  const input = ctx.input.allow(["frozen_time", "name", "expand"]);
  const created = realNow();
  const clock: Stripe.TestHelpers.TestClock = {
    id: newId("testClock"),
    object: "test_helpers.test_clock",
    created,
    deletes_after: created + 30 * DAY,
    frozen_time: input.requiredInt("frozen_time"),
    livemode: false,
    name: input.string("name") ?? null,
    status: "ready",
    status_details: {},
  };
  setClock(ctx.app, clock);
  ctx.app.events.emit("test_helpers.test_clock.created", clock);
  return reply(ctx, clock);
}

function advance(ctx: ApiContext) {
  const { app } = ctx;
  const input = ctx.input.allow(["frozen_time", "expand"]);
  const clock = getOr404(app.store.testClocks, requireParam(ctx, "id"), "test_clock");
  const target = input.requiredInt("frozen_time");
  if (clock.status === "advancing") {
    throw invalidRequest(
      "The test clock is already advancing. Wait until it is ready before advancing again.",
      "frozen_time",
    );
  }
  if (target <= clock.frozen_time) {
    throw invalidRequest("The frozen_time must be after the test clock's current frozen_time.", "frozen_time");
  }
  const advancing = setClock(app, {
    ...clock,
    status: "advancing",
    status_details: { advancing: { target_frozen_time: target } },
  });
  app.events.emit("test_helpers.test_clock.advancing", advancing);
  app.later(app.settings.clockAdvanceDelayMs, () => completeAdvance(app, clock.id, target));
  return reply(ctx, advancing);
}

function remove(ctx: ApiContext) {
  const { app } = ctx;
  ctx.input.allow([]);
  const clock = getOr404(app.store.testClocks, requireParam(ctx, "id"), "test_clock");
  for (const customer of Array.from(app.store.customers.values())) {
    if (idOf(customer.test_clock) === clock.id) deleteCustomer(app, customer);
  }
  app.store.testClocks.delete(clock.id);
  app.events.emit("test_helpers.test_clock.deleted", clock);
  const deleted: Stripe.TestHelpers.DeletedTestClock = {
    id: clock.id,
    object: "test_helpers.test_clock",
    deleted: true,
  };
  return reply(ctx, deleted);
}

export const testClockRoutes: Route[] = [
  route("POST", "/v1/test_helpers/test_clocks", create),
  route("GET", "/v1/test_helpers/test_clocks", (ctx) => {
    const input = ctx.input.allow(LIST_PARAMS);
    return reply(ctx, paginate(Store.newestFirst(ctx.app.store.testClocks), input, "/v1/test_helpers/test_clocks"));
  }),
  route("GET", "/v1/test_helpers/test_clocks/:id", (ctx) => {
    ctx.input.allow(["expand"]);
    return reply(ctx, getOr404(ctx.app.store.testClocks, requireParam(ctx, "id"), "test_clock"));
  }),
  route("DELETE", "/v1/test_helpers/test_clocks/:id", remove),
  route("POST", "/v1/test_helpers/test_clocks/:id/advance", advance),
];
