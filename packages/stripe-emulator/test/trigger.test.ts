// `pnpm emulator trigger`: every project fixture runs against the emulator and causes the event
// it is named after; the Stripe CLI's flags change a fixture as they do there.
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyChanges, FixtureError, parseFixture, resolveReferences } from "../src/trigger/fixture.ts";
import { runFixture } from "../src/trigger/run-fixture.ts";
import { projectFixtures, runTriggerCli } from "../src/trigger/trigger-cli.ts";
import { startHarness, type Harness } from "./helpers.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.emulator.stop();
});

async function trigger(args: string[]) {
  const lines: string[] = [];
  const code = await runTriggerCli(args, { STRIPE_API_BASE: h.emulator.url }, (line) => lines.push(line));
  return { code, output: lines.join("\n") };
}

describe("the project's fixtures", async () => {
  const names = await projectFixtures();

  it("cover every event the app handles", () => {
    expect(names).toEqual([
      "checkout.session.completed",
      "customer.deleted",
      "customer.subscription.created",
      "customer.subscription.deleted",
      "customer.subscription.paused",
      "customer.subscription.resumed",
      "customer.subscription.trial_will_end",
      "customer.subscription.updated",
      "customer.updated",
      "invoice.paid",
      "invoice.payment_action_required",
      "invoice.payment_failed",
      "invoice.payment_succeeded",
    ]);
  });

  it.each(names)("%s runs offline and emits its event", async (name) => {
    const { code, output } = await trigger([name]);
    expect(output).toContain("Trigger succeeded!");
    expect(code).toBe(0);
    const line = output.split("\n").find((text) => text.startsWith("Events: ")) ?? "";
    expect(line.split(", ").some((entry) => entry.replace("Events: ", "").startsWith(`${name} evt_`))).toBe(true);
  });
});

describe("pnpm emulator trigger", () => {
  it("fires invoice.payment_failed at an existing customer with --customer, and prints what it did", async () => {
    const customer = await h.stripe.customers.create({ email: "app-user@example.com" });
    const { code, output } = await trigger(["invoice.payment_failed", "--customer", customer.id]);
    expect(code).toBe(0);
    expect(output).toContain("Running fixture for: customer (GET /v1/customers/");
    expect(output).toMatch(/invoice_pay: 402 \(failed as expected: card_error\)/);
    const [invoice] = (await h.stripe.invoices.list({ customer: customer.id })).data;
    expect(invoice).toMatchObject({ status: "open", amount_due: 2_000, attempt_count: 1 });
    const events = await h.stripe.events.list({ type: "invoice.payment_failed", limit: 1 });
    expect((events.data[0]?.data.object as Stripe.Invoice).customer).toBe(customer.id);
  });

  it("applies --add, --override, --remove and --skip to the fixture's steps", async () => {
    const email = "overridden@example.com";
    const { code } = await trigger([
      "customer.updated",
      "--override",
      `customer:email=${email}`,
      "--add",
      "customer:metadata.source=qa",
      "--remove",
      "customer:description",
    ]);
    expect(code).toBe(0);
    const [customer] = (await h.stripe.customers.list({ email })).data;
    expect(customer).toMatchObject({ email, description: null, metadata: { source: "qa", foo: "bar" } });

    const skipped = await trigger(["customer.updated", "--skip", "customer_updated"]);
    expect(skipped.code).toBe(1);
    expect(skipped.output).toContain("no customer.updated event came of it");
  });

  it("says what is wrong: an unknown event, a flag naming no step, a live key, nothing listening", async () => {
    const unknown = await trigger(["invoice.nope"]);
    expect([unknown.code, unknown.output]).toEqual([1, expect.stringContaining("no fixture") as string]);
    const noParam = await trigger(["customer.updated", "--override", "customer:nope=1"]);
    expect([noParam.code, noParam.output]).toEqual([1, expect.stringContaining("has no param nope") as string]);
    const noStep = await trigger(["customer.updated", "--add", "nobody:x=1"]);
    expect([noStep.code, noStep.output]).toEqual([1, expect.stringContaining('no step named "nobody"') as string]);
    expect(await trigger(["customer.updated", "--api-key", "sk_live_123"])).toMatchObject({ code: 2 });
    const down = await runTriggerCli(["customer.updated"], { STRIPE_API_BASE: "http://127.0.0.1:9" }, () => {});
    expect(down).toBe(1);
  });

  it("stops at the first step that fails, with Stripe's message", async () => {
    const fixture = parseFixture(
      JSON.stringify({
        _meta: { template_version: 0 },
        fixtures: [{ name: "price", path: "/v1/prices", method: "post", params: { currency: "usd" } }],
      }),
      "inline",
    );
    await expect(runFixture({ baseUrl: h.emulator.url, apiKey: "sk_test_x" }, fixture, { env: {} })).rejects.toThrow(
      /step "price" failed with 400/,
    );
  });
});

describe("what a fixture cannot do", () => {
  const one = (step: Record<string, unknown>) =>
    parseFixture(JSON.stringify({ _meta: { template_version: 0 }, fixtures: [step] }), "inline");

  it("send the key to another host, by its path or by a reference in it", async () => {
    const target = { baseUrl: h.emulator.url, apiKey: "sk_test_secret" };
    for (const path of ["//evil.example/v1/customers", "/\\evil.example/v1/customers"]) {
      await expect(runFixture(target, one({ name: "x", path, method: "get" }), { env: {} })).rejects.toThrow(
        /does not stay on/,
      );
    }
    const fixture = one({ name: "c", path: "/v1/customers/${.env:ID}", method: "get" });
    await expect(runFixture(target, fixture, { env: { ID: "/../../x?y" } })).rejects.toThrow(/failed with 404/);
  });

  it("use Stripe CLI placeholders this runner does not know", () => {
    expect(() => resolveReferences("at ${time-now-RFC3339}", new Map(), {})).toThrow(/only \$\{step:path\}/);
  });

  it("hide a flat param from the flags, or mangle a key that needs escaping", async () => {
    const fixture = one({
      name: "price",
      path: "/v1/prices",
      params: { currency: "usd", unit_amount: "500", product_data: { name: "Flat" }, "recurring[interval]": "month" },
    });
    const changed = applyChanges(fixture, {
      override: ["price:recurring[interval]=year"],
      add: ["price:metadata.a&b=c"],
    });
    expect(changed.fixtures[0]?.params).toMatchObject({ "recurring[interval]": "year", metadata: { "a&b": "c" } });
    const result = await runFixture({ baseUrl: h.emulator.url, apiKey: "sk_test_x" }, changed, { env: {} });
    expect(result.events.map((event) => event.type)).toContain("price.created");
    const [price] = (await h.stripe.prices.list({ limit: 1 })).data;
    expect(price).toMatchObject({ recurring: { interval: "year" }, metadata: { "a&b": "c" } });
    expect(() => applyChanges(fixture, { remove: ["price:nope"] })).toThrow(/has no param nope/);
  });
});

describe("fixture references", () => {
  const responses = new Map<string, unknown>([["subscription", { id: "sub_1", items: { data: [{ id: "si_1" }] } }]]);

  it("keeps a whole reference's type and splices references inside text", () => {
    expect(resolveReferences({ n: "${subscription:items.data.0.id}" }, responses, {})).toEqual({ n: "si_1" });
    expect(resolveReferences("/v1/subscriptions/${subscription:id}/x", responses, {})).toBe(
      "/v1/subscriptions/sub_1/x",
    );
    expect(resolveReferences(["${.env:PRICE}"], responses, { PRICE: "price_9" })).toEqual(["price_9"]);
  });

  it("refuses a reference to no step, no field or an unset variable", () => {
    expect(() => resolveReferences("${customer:id}", responses, {})).toThrow(FixtureError);
    expect(() => resolveReferences("${subscription:nope}", responses, {})).toThrow(/has no nope/);
    expect(() => resolveReferences("${.env:UNSET}", responses, {})).toThrow(/UNSET is not set/);
  });

  it("refuses a file that is not a fixture", () => {
    expect(() => parseFixture("{", "bad.json")).toThrow(/not JSON/);
    expect(() => parseFixture(JSON.stringify({ fixtures: [] }), "bad.json")).toThrow(/not a trigger fixture/);
    const fixture = parseFixture(
      JSON.stringify({ _meta: { template_version: 0 }, fixtures: [{ name: "a", path: "/v1/x", params: {} }] }),
      "ok.json",
    );
    expect(fixture.fixtures[0]?.method).toBe("POST");
    expect(() => applyChanges(fixture, { skip: ["b"] })).toThrow(/no step named "b"/);
  });
});
