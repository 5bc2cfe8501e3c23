// /v1/tax_rates: read-only here; the emulator's tax (billing/tax.ts) makes one per country.
import { LIST_PARAMS, paginate } from "../list.ts";
import { reply, requireParam, route, type Route } from "../router.ts";
import { Store } from "../store.ts";
import { getOr404 } from "./lookup.ts";

export const taxRateRoutes: Route[] = [
  route("GET", "/v1/tax_rates", (ctx) => {
    const input = ctx.input.allow([...LIST_PARAMS, "active", "inclusive", "created"]);
    return reply(ctx, paginate(Store.newestFirst(ctx.app.store.taxRates), input, "/v1/tax_rates"));
  }),
  route("GET", "/v1/tax_rates/:id", (ctx) => {
    ctx.input.allow(["expand"]);
    return reply(ctx, getOr404(ctx.app.store.taxRates, requireParam(ctx, "id"), "tax_rate"));
  }),
];
