// /v1/billing_portal/configurations: create, update, retrieve, list. They cannot be deleted.
import type Stripe from "stripe";
import { commitUpdate } from "../events/commit-update.ts";
import { invalidRequest } from "../http/errors.ts";
import { applyMetadata, type Params } from "../http/params.ts";
import { newId } from "../ids.ts";
import { LIST_PARAMS, paginate } from "../list.ts";
import { reply, requireParam, route, type ApiContext, type Route } from "../router.ts";
import { Store } from "../store.ts";
import { realNow } from "../time.ts";
import { getOr404 } from "./lookup.ts";
import { DEFAULT_FEATURES, readFeatures } from "./portal-features.ts";

const WRITABLE = [
  "features",
  "business_profile",
  "default_return_url",
  "login_page",
  "metadata",
  "name",
  "expand",
] as const;
const FEATURES = [
  "customer_update",
  "invoice_history",
  "payment_method_update",
  "subscription_cancel",
  "subscription_pause",
  "subscription_update",
] as const;

function applyFields(
  ctx: ApiContext,
  input: Params,
  config: Stripe.BillingPortal.Configuration,
): Stripe.BillingPortal.Configuration {
  const profile = input.child("business_profile", ["headline", "privacy_policy_url", "terms_of_service_url"]);
  const returnUrl = input.nullableString("default_return_url");
  const name = input.nullableString("name");
  const login = input.child("login_page", ["enabled"])?.bool("enabled");
  return {
    ...config,
    business_profile:
      profile === undefined
        ? config.business_profile
        : {
            headline: profile.nullableString("headline") ?? null,
            privacy_policy_url: profile.nullableString("privacy_policy_url") ?? null,
            terms_of_service_url: profile.nullableString("terms_of_service_url") ?? null,
          },
    default_return_url: returnUrl === undefined ? config.default_return_url : returnUrl,
    features: readFeatures(ctx.app, input.child("features", FEATURES), config.features),
    login_page:
      login === undefined
        ? config.login_page
        : { enabled: login, url: login ? `${ctx.app.baseUrl}/p/login/${config.id}` : null },
    metadata: applyMetadata(config.metadata, input.metadata()),
    name: name === undefined ? config.name : name,
  };
}

function create(ctx: ApiContext) {
  const { app } = ctx;
  const input = ctx.input.allow(WRITABLE);
  if (!input.has("features"))
    throw invalidRequest("Missing required param: features.", "features", "parameter_missing");
  const now = realNow();
  const hasDefault = Array.from(app.store.portalConfigurations.values()).some((config) => config.is_default);
  const config = applyFields(ctx, input, {
    id: newId("portalConfiguration"),
    object: "billing_portal.configuration",
    active: true,
    application: null,
    business_profile: { headline: null, privacy_policy_url: null, terms_of_service_url: null },
    created: now,
    default_return_url: null,
    features: DEFAULT_FEATURES,
    // The account's first configuration plays the part of the dashboard-saved default.
    is_default: !hasDefault,
    livemode: false,
    login_page: { enabled: false, url: null },
    metadata: {},
    name: null,
    updated: now,
  });
  app.store.portalConfigurations.set(config.id, config);
  app.events.emit("billing_portal.configuration.created", config);
  return reply(ctx, config);
}

function update(ctx: ApiContext) {
  const input = ctx.input.allow([...WRITABLE, "active"]);
  const before = getOr404(ctx.app.store.portalConfigurations, requireParam(ctx, "id"), "configuration");
  const active = input.bool("active");
  if (active === false && before.is_default)
    throw invalidRequest("You cannot deactivate the default configuration.", "active");
  const after = { ...applyFields(ctx, input, before), active: active ?? before.active, updated: realNow() };
  return reply(
    ctx,
    commitUpdate(ctx.app, "billing_portal.configuration.updated", ctx.app.store.portalConfigurations, before, after),
  );
}

export const portalConfigurationRoutes: Route[] = [
  route("POST", "/v1/billing_portal/configurations", create),
  route("GET", "/v1/billing_portal/configurations", (ctx) => {
    const input = ctx.input.allow([...LIST_PARAMS, "active", "is_default"]);
    const active = input.bool("active");
    const isDefault = input.bool("is_default");
    const items = Store.newestFirst(ctx.app.store.portalConfigurations).filter(
      (config) =>
        (active === undefined || config.active === active) &&
        (isDefault === undefined || config.is_default === isDefault),
    );
    return reply(ctx, paginate(items, input, "/v1/billing_portal/configurations"));
  }),
  route("GET", "/v1/billing_portal/configurations/:id", (ctx) => {
    ctx.input.allow(["expand"]);
    return reply(ctx, getOr404(ctx.app.store.portalConfigurations, requireParam(ctx, "id"), "configuration"));
  }),
  route("POST", "/v1/billing_portal/configurations/:id", update),
];
