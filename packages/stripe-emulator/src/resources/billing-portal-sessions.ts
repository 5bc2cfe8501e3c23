// /v1/billing_portal/sessions: create (with flow_data deep links); the page itself is a hosted seam.
import type Stripe from "stripe";
import type { App } from "../app.ts";
import { invalidRequest } from "../http/errors.ts";
import type { Params } from "../http/params.ts";
import { newId } from "../ids.ts";
import { reply, route, type ApiContext, type Route } from "../router.ts";
import { realNow } from "../time.ts";
import { getOr404, idOf, liveCustomer } from "./lookup.ts";

const FLOW_TYPES = [
  "payment_method_update",
  "subscription_cancel",
  "subscription_update",
  "subscription_update_confirm",
  "customer_update",
  "subscription_pause",
] as const;
type FlowType = (typeof FLOW_TYPES)[number];

function resolveConfiguration(app: App, id: string | undefined): Stripe.BillingPortal.Configuration {
  if (id !== undefined) {
    const config = getOr404(app.store.portalConfigurations, id, "configuration", "configuration");
    if (!config.active) throw invalidRequest("The configuration you provided is not active.", "configuration");
    return config;
  }
  const fallback = Array.from(app.store.portalConfigurations.values()).find((config) => config.is_default);
  if (fallback === undefined) {
    throw invalidRequest(
      "You can't create a portal session in test mode until you save your customer portal settings in test mode " +
        "at https://dashboard.stripe.com/test/settings/billing/portal.",
    );
  }
  return fallback;
}

function ownedSubscription(app: App, input: Params, customerId: string): string {
  const id = input.requiredString("subscription");
  const sub = getOr404(app.store.subscriptions, id, "subscription", input.name("subscription"));
  if (idOf(sub.customer) !== customerId)
    throw invalidRequest(`The subscription ${id} does not belong to the customer.`, input.name("subscription"));
  if (sub.status === "canceled" || sub.status === "incomplete_expired") {
    throw invalidRequest(`The subscription ${id} has already been canceled.`, input.name("subscription"));
  }
  return id;
}

function requireFeature(enabled: boolean, feature: string, type: FlowType): void {
  if (!enabled)
    throw invalidRequest(
      `The \`${feature}\` feature must be enabled in the portal configuration to use the \`${type}\` flow.`,
      "flow_data[type]",
    );
}

function readFlow(
  app: App,
  input: Params,
  customerId: string,
  config: Stripe.BillingPortal.Configuration,
): Stripe.BillingPortal.Session.Flow | null {
  const flow = input.child("flow_data", [
    "type",
    "after_completion",
    "subscription_cancel",
    "subscription_update",
    "subscription_update_confirm",
    "subscription_pause",
  ]);
  if (flow === undefined) return null;
  const type = flow.oneOf("type", FLOW_TYPES);
  if (type === undefined)
    throw invalidRequest("Missing required param: flow_data[type].", "flow_data[type]", "parameter_missing");
  const after = flow.child("after_completion", ["type", "redirect", "hosted_confirmation"]);
  const afterType =
    after?.oneOf("type", ["hosted_confirmation", "portal_homepage", "redirect"] as const) ?? "portal_homepage";
  const redirectUrl = after?.child("redirect", ["return_url"])?.requiredString("return_url");
  if (afterType === "redirect" && redirectUrl === undefined) {
    throw invalidRequest(
      "Missing required param: flow_data[after_completion][redirect][return_url].",
      "flow_data[after_completion][redirect]",
      "parameter_missing",
    );
  }
  const message = after?.child("hosted_confirmation", ["custom_message"])?.string("custom_message") ?? null;
  const result: Stripe.BillingPortal.Session.Flow = {
    type,
    after_completion: {
      type: afterType,
      redirect: afterType === "redirect" && redirectUrl !== undefined ? { return_url: redirectUrl } : null,
      hosted_confirmation: afterType === "hosted_confirmation" ? { custom_message: message } : null,
    },
    customer_update: null,
    subscription_cancel: null,
    subscription_pause: null,
    subscription_update: null,
    subscription_update_confirm: null,
  };
  if (type === "payment_method_update")
    requireFeature(config.features.payment_method_update.enabled, "payment_method_update", type);
  if (type === "subscription_cancel") {
    requireFeature(config.features.subscription_cancel.enabled, "subscription_cancel", type);
    const data = flow.child("subscription_cancel", ["subscription", "retention"]);
    if (data === undefined)
      throw invalidRequest(
        "Missing required param: flow_data[subscription_cancel].",
        "flow_data[subscription_cancel]",
        "parameter_missing",
      );
    result.subscription_cancel = { subscription: ownedSubscription(app, data, customerId), retention: null };
  }
  if (type === "subscription_update") {
    requireFeature(config.features.subscription_update.enabled, "subscription_update", type);
    const data = flow.child("subscription_update", ["subscription"]);
    if (data === undefined)
      throw invalidRequest(
        "Missing required param: flow_data[subscription_update].",
        "flow_data[subscription_update]",
        "parameter_missing",
      );
    result.subscription_update = { subscription: ownedSubscription(app, data, customerId) };
  }
  if (type === "subscription_update_confirm") {
    requireFeature(config.features.subscription_update.enabled, "subscription_update", type);
    const data = flow.child("subscription_update_confirm", ["subscription", "items", "discounts"]);
    if (data === undefined)
      throw invalidRequest(
        "Missing required param: flow_data[subscription_update_confirm].",
        "flow_data[subscription_update_confirm]",
        "parameter_missing",
      );
    const items = data.childList("items", ["id", "price", "quantity"]) ?? [];
    if (items.length === 0)
      throw invalidRequest(
        "Missing required param: flow_data[subscription_update_confirm][items].",
        data.name("items"),
        "parameter_missing",
      );
    result.subscription_update_confirm = {
      subscription: ownedSubscription(app, data, customerId),
      discounts: null,
      items: items.map((item) => {
        const price = item.string("price");
        if (price !== undefined) getOr404(app.store.prices, price, "price", item.name("price"));
        return { id: item.requiredString("id"), price: price ?? null, quantity: item.int("quantity") ?? 1 };
      }),
    };
  }
  return result;
}

function create(ctx: ApiContext) {
  const { app } = ctx;
  const input = ctx.input.allow([
    "customer",
    "return_url",
    "configuration",
    "flow_data",
    "locale",
    "on_behalf_of",
    "expand",
  ]);
  const customer = liveCustomer(app, input.requiredString("customer"));
  const config = resolveConfiguration(app, input.string("configuration"));
  const returnUrl = input.string("return_url") ?? config.default_return_url;
  const flow = readFlow(app, input, customer.id, config);
  const id = newId("portalSession");
  const session: Stripe.BillingPortal.Session = {
    id,
    object: "billing_portal.session",
    configuration: config.id,
    created: realNow(),
    customer: customer.id,
    customer_account: null,
    flow,
    livemode: false,
    locale: input.string("locale") ?? null,
    on_behalf_of: input.string("on_behalf_of") ?? null,
    return_url: returnUrl,
    url: `${app.baseUrl}/p/session/${id}`,
  };
  app.store.portalSessions.set(session.id, session);
  app.events.emit("billing_portal.session.created", session);
  return reply(ctx, session);
}

export const portalSessionRoutes: Route[] = [route("POST", "/v1/billing_portal/sessions", create)];
