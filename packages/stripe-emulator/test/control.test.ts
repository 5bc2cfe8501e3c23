// The /_emulator control surface, fault injection, persistence and the CLI.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "../src/server.ts";
import { sdkFor, startHarness, type Harness } from "./helpers.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.emulator.stop();
});

describe("control surface", () => {
  it("snapshots every object and resets to empty", async () => {
    const customer = await h.stripe.customers.create({ email: "snap@example.com" });
    const snapshot = await h.control.snapshot();
    expect(snapshot.customers).toEqual([expect.objectContaining({ id: customer.id, email: "snap@example.com" })]);
    expect(snapshot.events).toEqual([expect.objectContaining({ type: "customer.created" })]);
    await h.control.reset();
    expect((await h.control.snapshot()).customers).toEqual([]);
    await expect(h.stripe.customers.retrieve(customer.id)).rejects.toMatchObject({ statusCode: 404 });
  });

  it("injects 500 errors that the SDK retries with the same idempotency key", async () => {
    await h.control.addFault({ path: "/v1/customers", method: "POST", count: 1, mode: "error" });
    await expect(h.stripe.customers.create({ email: "boom@example.com" })).rejects.toBeInstanceOf(
      Stripe.errors.StripeAPIError,
    );
    await h.control.addFault({ path: "/v1/customers*", count: 1 });
    const retrying = sdkFor(h.emulator, "sk_test_emulator", { maxNetworkRetries: 2 });
    const created = await retrying.customers.create({ email: "retried@example.com" });
    expect(created.email).toBe("retried@example.com");
    expect((await h.stripe.customers.list({ email: "retried@example.com" })).data).toHaveLength(1);
    expect((await h.control.clearFaults()).faults).toEqual([]);
  });

  it("lists the armed faults with the uses they have left", async () => {
    await h.control.addFault({ path: "/v1/prices*", method: "GET", count: 2, match: "lookup_keys" });
    await expect(h.stripe.prices.list({ lookup_keys: ["any"] })).rejects.toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(await h.control.faults()).toEqual([expect.objectContaining({ path: "/v1/prices*", remaining: 1 })]);
    await expect(h.stripe.prices.list({ lookup_keys: ["any"] })).rejects.toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(await h.control.faults()).toEqual([]);
  });

  it("hangs a request until the client gives up", async () => {
    await h.control.addFault({ path: "/v1/products/*", mode: "hang", count: 1 });
    const impatient = sdkFor(h.emulator, "sk_test_emulator", { timeout: 200 });
    await expect(impatient.products.retrieve("prod_any")).rejects.toBeInstanceOf(Stripe.errors.StripeConnectionError);
    await expect(impatient.products.retrieve("prod_any")).rejects.toMatchObject({ statusCode: 404 });
  });

  it("reads and writes settings and validates control input", async () => {
    const settings = await h.control.setSettings({ retryDays: [1, 2], webhookRetryScheduleMs: [10] });
    expect(settings).toMatchObject({ retryDays: [1, 2], webhookRetryScheduleMs: [10], failedPaymentAction: "cancel" });
    const bad = await fetch(`${h.emulator.url}/_emulator/faults`, {
      method: "POST",
      headers: { "X-Emulator-Control": "1" },
      body: JSON.stringify({ mode: "explode" }),
    });
    expect(bad.status).toBe(400);
    await h.control.setSettings({ retryDays: [3, 5, 7] });
  });
});

describe("control surface, from a browser", () => {
  const post = (path: string, headers: Record<string, string>, body = "") =>
    fetch(`${h.emulator.url}/_emulator${path}`, { method: "POST", headers, body });

  it("refuses a cross-origin POST, the kind any web page can send without a preflight", async () => {
    const customer = await h.stripe.customers.create({ email: "kept@example.com" });
    const reset = await post("/reset", { Origin: "https://evil.example", "Content-Type": "text/plain" });
    const fault = await post(
      "/faults",
      { Origin: "https://evil.example", "Content-Type": "text/plain" },
      JSON.stringify({ path: "/v1/*", count: 100 }),
    );
    expect([reset.status, fault.status]).toEqual([403, 403]);
    expect(await h.stripe.customers.retrieve(customer.id)).toMatchObject({ email: "kept@example.com" });
    expect((await h.control.clearFaults()).faults).toEqual([]);
  });

  it("refuses a state-changing call without the control header or a JSON body, and a cross-origin read", async () => {
    const customer = await h.stripe.customers.create({ email: "still-here@example.com" });
    expect((await post("/reset", { "Content-Type": "application/x-www-form-urlencoded" })).status).toBe(403);
    expect((await fetch(`${h.emulator.url}/_emulator/reset`, { method: "POST" })).status).toBe(403);
    expect((await fetch(`${h.emulator.url}/_emulator/faults`, { method: "DELETE" })).status).toBe(403);
    expect(
      (await fetch(`${h.emulator.url}/_emulator/snapshot`, { headers: { Origin: "https://evil.example" } })).status,
    ).toBe(403);
    expect(await h.stripe.customers.retrieve(customer.id)).toMatchObject({ email: "still-here@example.com" });
  });

  it("answers its own origin (either loopback name), the control header, JSON bodies and plain reads", async () => {
    const own = h.emulator.url;
    const alias = own.replace("127.0.0.1", "localhost");
    expect((await post("/settings", { Origin: own, "X-Emulator-Control": "1" }, "{}")).status).toBe(200);
    expect((await post("/settings", { Origin: alias, "Content-Type": "application/json" }, "{}")).status).toBe(200);
    expect(
      (await fetch(`${own}/_emulator/faults`, { method: "DELETE", headers: { "X-Emulator-Control": "1" } })).status,
    ).toBe(200);
    // What a browser sends following one of the dashboard's links.
    expect((await fetch(`${own}/_emulator/snapshot`, { headers: { "Sec-Fetch-Site": "same-origin" } })).status).toBe(
      200,
    );
    expect((await fetch(`${own}/`)).status).toBe(200);
  });
});

describe("persistence", () => {
  it("keeps state across restarts in the data file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "stripe-emulator-"));
    try {
      const dataFile = join(dir, "state.json");
      const first = await startEmulator({ dataFile, realTimeTickMs: 0 });
      const price = await sdkFor(first).prices.create({
        product_data: { name: "Kept" },
        currency: "usd",
        unit_amount: 4_200,
        recurring: { interval: "month" },
        lookup_key: "kept",
      });
      await first.stop();
      expect(JSON.parse(await readFile(dataFile, "utf8"))).toMatchObject({ version: 1 });
      const second = await startEmulator({ dataFile, realTimeTickMs: 0 });
      try {
        const again = await sdkFor(second).prices.retrieve(price.id);
        expect(again).toMatchObject({ id: price.id, lookup_key: "kept", unit_amount: 4_200 });
        expect(again.unit_amount_decimal?.toString()).toBe("4200");
        expect((await sdkFor(second).events.list({ type: "price.created" })).data).toHaveLength(1);
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("cli", () => {
  /** Runs `pnpm emulator` with these arguments until it has printed its settings. */
  function startCli(args: string[], env: Record<string, string> = {}) {
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", "--port", "0", ...args], {
      cwd: join(import.meta.dirname, ".."),
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const output = new Promise<string>((resolve, reject) => {
      let text = "";
      child.stdout.on("data", (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes("Rate limit")) resolve(text);
      });
      child.stderr.on("data", (chunk: Buffer) => (text += chunk.toString()));
      child.on("exit", (code) => reject(new Error(`cli exited with ${code ?? "signal"}: ${text}`)));
      setTimeout(() => reject(new Error(`cli did not start: ${text}`)), 15_000).unref();
    });
    return { child, output };
  }

  it("starts on the requested port and prints the URL, key, webhook secret and rate limit", async () => {
    const { child, output } = startCli(["--webhook-secret", "whsec_cli_secret"], {
      STRIPE_EMULATOR_RATE_LIMIT: "",
    });
    try {
      const text = await output;
      expect(text).toContain("whsec_cli_secret");
      expect(text).toContain("sk_test_");
      expect(text).toContain("25 requests/s per API key");
      const url = /listening on (http:\/\/\S+)/.exec(text)?.[1] ?? "";
      const health = await fetch(`${url}/_emulator/health`);
      expect(await health.json()).toEqual({ ok: true });
    } finally {
      child.kill("SIGTERM");
    }
  });

  it("takes the rate limit from --rate-limit over STRIPE_EMULATOR_RATE_LIMIT", async () => {
    const { child, output } = startCli(["--rate-limit", "3"], { STRIPE_EMULATOR_RATE_LIMIT: "off" });
    try {
      const url = /listening on (http:\/\/\S+)/.exec(await output)?.[1] ?? "";
      const settings = await fetch(`${url}/_emulator/settings`);
      expect(await settings.json()).toMatchObject({ rateLimit: 3 });
    } finally {
      child.kill("SIGTERM");
    }
    const fromEnv = startCli([], { STRIPE_EMULATOR_RATE_LIMIT: "off" });
    try {
      expect(await fromEnv.output).toContain("Rate limit:     off");
    } finally {
      fromEnv.child.kill("SIGTERM");
    }
    // Two start-ups of the CLI (tsx compiling it each time): up to 15 s each on a busy machine.
  }, 40_000);

  it("refuses a rate limit that is neither a positive number nor off", async () => {
    const { output } = startCli([], { STRIPE_EMULATOR_RATE_LIMIT: "lots" });
    await expect(output).rejects.toThrow(/exited with 2: Invalid options:\n {2}rateLimit/);
  });
});

describe("faults scoped by request content", () => {
  it("fails only the requests that mention the given text", async () => {
    const h = await startHarness();
    try {
      const mine = await h.stripe.customers.create({ email: "mine@example.com" });
      const theirs = await h.stripe.customers.create({ email: "theirs@example.com" });
      await h.control.addFault({ path: "/v1/customers/*", method: "POST", match: "scoped@example.com", count: 1 });
      await expect(h.stripe.customers.update(theirs.id, { email: "other@example.com" })).resolves.toMatchObject({
        email: "other@example.com",
      });
      await expect(h.stripe.customers.update(mine.id, { email: "scoped@example.com" })).rejects.toMatchObject({
        statusCode: 500,
      });
      await expect(h.stripe.customers.update(mine.id, { email: "scoped@example.com" })).resolves.toMatchObject({
        email: "scoped@example.com",
      });
    } finally {
      await h.emulator.stop();
    }
  });
});
