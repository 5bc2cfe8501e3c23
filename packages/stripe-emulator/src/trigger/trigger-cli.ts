// `pnpm emulator trigger <event>`: the Stripe CLI's `stripe trigger`, offline. Runs the project's
// fixture for the event (fixtures/<event>.json) or `--fixture FILE` against the emulator (or
// any Stripe-compatible `--api-base`), printing each request and the events it caused.
import { readdir, readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { triggerEnvironment } from "../env.ts";
import { API_VERSION } from "../events/event-log.ts";
import { applyChanges, FixtureError, parseFixture, type Fixture } from "./fixture.ts";
import { runFixture, TriggerStepFailed } from "./run-fixture.ts";

const FIXTURES_DIR = new URL("../../fixtures/", import.meta.url);

const USAGE = `Usage: pnpm emulator trigger <event> [options]
  Fires <event> by running the API calls of fixtures/<event>.json, as \`stripe trigger\` does.
  --fixture FILE          run this fixture (Stripe CLI format) instead of the project's
  --customer cus_…        use this customer instead of creating one (the fixture's "customer" step)
  --add step:param=value  add a param to a step; --override replaces one; --remove step:param drops one
  --skip step             leave a step out
  --api-base URL          default $STRIPE_API_BASE, else http://127.0.0.1:$STRIPE_EMULATOR_PORT (12111)
  --api-key KEY           default $STRIPE_SECRET_KEY, else sk_test_emulator
  pnpm emulator trigger --list   lists the project's fixtures`;

export async function projectFixtures(): Promise<string[]> {
  const files = await readdir(FIXTURES_DIR);
  return files
    .filter((file) => file.endsWith(".json"))
    .map((file) => file.slice(0, -".json".length))
    .sort();
}

async function loadFixture(event: string | undefined, file: string | undefined): Promise<Fixture> {
  if (file !== undefined) {
    const text = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
      throw new FixtureError(`cannot read ${file}: ${error.code ?? error.message}`);
    });
    return parseFixture(text, file);
  }
  if (event === undefined) throw new FixtureError("name the event to trigger, or give --fixture FILE");
  const known = await projectFixtures();
  if (!known.includes(event)) {
    throw new FixtureError(`no fixture for "${event}"; the project has: ${known.join(", ")}`);
  }
  return parseFixture(await readFile(new URL(`${event}.json`, FIXTURES_DIR), "utf8"), `fixtures/${event}.json`);
}

/** `--customer`: the step that would create a customer reads the given one instead. */
function useCustomer(fixture: Fixture, customerId: string | undefined): Fixture {
  if (customerId === undefined) return fixture;
  if (!fixture.fixtures.some((step) => step.name === "customer")) {
    throw new FixtureError(`--customer: the fixture has no "customer" step to replace`);
  }
  return {
    ...fixture,
    fixtures: fixture.fixtures.map((step) =>
      step.name === "customer"
        ? { name: "customer", method: "GET", path: `/v1/customers/${encodeURIComponent(customerId)}`, params: {} }
        : step,
    ),
  };
}

export async function runTriggerCli(
  argv: string[],
  env: Readonly<Record<string, string | undefined>> = triggerEnvironment(),
  out: (line: string) => void = console.log,
): Promise<number> {
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        fixture: { type: "string" },
        customer: { type: "string" },
        add: { type: "string", multiple: true },
        override: { type: "string", multiple: true },
        remove: { type: "string", multiple: true },
        skip: { type: "string", multiple: true },
        "api-base": { type: "string" },
        "api-key": { type: "string" },
        list: { type: "boolean" },
        help: { type: "boolean" },
      },
    }));
  } catch (error) {
    out(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help === true) {
    out(USAGE);
    return 0;
  }
  if (values.list === true) {
    for (const name of await projectFixtures()) out(name);
    return 0;
  }
  const baseUrl =
    values["api-base"] ?? (env.STRIPE_API_BASE || `http://127.0.0.1:${env.STRIPE_EMULATOR_PORT || "12111"}`);
  if (!URL.canParse(baseUrl) || !/^https?:$/.test(new URL(baseUrl).protocol)) {
    out(`--api-base ${baseUrl}: expected a URL such as http://127.0.0.1:12111 or https://api.stripe.com`);
    return 2;
  }
  const apiKey = values["api-key"] ?? (env.STRIPE_SECRET_KEY || "sk_test_emulator");
  if (/^sk_live_|^rk_live_/.test(apiKey)) {
    out("Refusing to run a trigger with a live key: use a test mode key (sk_test_…).");
    return 2;
  }
  const event = positionals[0];
  try {
    // --customer first, so the flags apply to what is then run.
    const fixture = applyChanges(useCustomer(await loadFixture(event, values.fixture), values.customer), {
      add: values.add ?? [],
      override: values.override ?? [],
      remove: values.remove ?? [],
      skip: values.skip ?? [],
    });
    out(`Setting up fixture for: ${event ?? values.fixture ?? ""} against ${baseUrl}`);
    const result = await runFixture({ baseUrl, apiKey, apiVersion: API_VERSION }, fixture, { env, log: out });
    for (const step of result.steps) {
      const failed = step.expectedError === null ? "" : ` (failed as expected: ${step.expectedError})`;
      out(`  ${step.name}: ${step.status}${failed} ${step.requestId ?? ""}`.trimEnd());
    }
    out(`Events: ${result.events.map((e) => `${e.type} ${e.id}`).join(", ") || "none"}`);
    if (event !== undefined && values.fixture === undefined && !result.events.some((e) => e.type === event)) {
      out(`Trigger ran, but no ${event} event came of it.`);
      return 1;
    }
    out("Trigger succeeded!");
    return 0;
  } catch (error) {
    if (error instanceof FixtureError || error instanceof TriggerStepFailed) {
      out(`Trigger failed: ${error.message}`);
      return 1;
    }
    if (error instanceof TypeError && /fetch failed/.test(error.message)) {
      out(`Trigger failed: nothing answers at ${baseUrl} (is \`pnpm emulator\` or \`pnpm dev\` running?)`);
      return 1;
    }
    throw error;
  }
}
