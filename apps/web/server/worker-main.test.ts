// `pnpm worker` as its own process: it applies what the webhook route queued, stops cleanly
// on SIGTERM, and says what to do when it has no database or no Stripe.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { handleStripeWebhook } from "@saas/billing";
import { createMappedSubscriber, startBillingHarness, type BillingHarness } from "@saas/billing/testing";
import { afterAll, beforeAll, expect, it, vi } from "vitest";

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SECRET = "whsec_worker_test";

let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness();
});
afterAll(() => h?.close());

function startWorker(env: Record<string, string>): {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
} {
  const child = spawn(process.execPath, ["--import", "tsx", "server/worker-main.ts"], {
    cwd: appDir,
    env: { ...process.env, NODE_ENV: "development", EMBEDDED_POSTGRES_DIR: "/nonexistent/pg", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), 100_000);
  const exit = new Promise<number | null>((resolve) =>
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve(code);
    }),
  );
  return { child, output: () => output, exit };
}

// Each worker is a process of its own, started with tsx: seconds each on a busy machine.
it("applies the events the webhook route queued, then stops on SIGTERM", { timeout: 120_000 }, async () => {
  const { customer, subscription } = await createMappedSubscriber(h, { name: "Worker plan", unitAmount: 900 });
  const [created] = (await h.stripe.events.list({ type: "customer.subscription.created", limit: 100 })).data.filter(
    (event) => (event.data.object as { id: string }).id === subscription.id,
  );
  const body = JSON.stringify(created);
  const accepted = await handleStripeWebhook(
    { db: h.db, stripe: h.stripe, secrets: [SECRET], livemode: false },
    { rawBody: body, signature: h.stripe.webhooks.generateTestHeaderString({ payload: body, secret: SECRET }) },
  );
  expect(accepted.body.outcome).toBe("queued");

  const worker = startWorker({
    DATABASE_URL: h.database.url,
    STRIPE_SECRET_KEY: "sk_test_worker",
    STRIPE_API_BASE: h.emulator.url,
    SMTP_URL: "smtp://127.0.0.1:2525",
    WORKER_CONCURRENCY: "2",
  });
  try {
    await vi.waitFor(
      async () =>
        expect(await h.db.webhookLog.findUniqueOrThrow({ where: { id: created!.id } })).toMatchObject({
          outcome: "applied",
        }),
      { timeout: 60_000, interval: 200 },
    );
    expect(await h.db.subscription.findFirst({ where: { stripeCustomerId: customer.id } })).toMatchObject({
      stripeSubscriptionId: subscription.id,
      status: "active",
    });
    expect(worker.output()).toContain("Worker      2 jobs at a time");
    expect(worker.output()).toMatch(/"msg":"job","task":"billing.sync-customer".*"ok":true/);
  } finally {
    worker.child.kill("SIGTERM");
  }
  expect(await worker.exit).toBe(0);
});

it(
  "without a database, a Stripe or an SMTP server, stops with one message saying what to start or set",
  { timeout: 120_000 },
  async () => {
    const noDatabase = startWorker({ DATABASE_URL: "" });
    expect(await noDatabase.exit).toBe(1);
    expect(noDatabase.output()).toContain("DATABASE_URL is not set and no pnpm dev is up");
    expect(noDatabase.output()).not.toMatch(/\n\s+at /);

    const noStripe = startWorker({
      DATABASE_URL: h.database.url,
      STRIPE_SECRET_KEY: "",
      STRIPE_EMULATOR_PORT: "12997",
    });
    expect(await noStripe.exit).toBe(1);
    expect(noStripe.output()).toContain(
      "STRIPE_SECRET_KEY is not set and no Stripe emulator answers at http://127.0.0.1:12997",
    );
    expect(noStripe.output()).not.toMatch(/\n\s+at /);

    const noSmtp = startWorker({
      DATABASE_URL: h.database.url,
      STRIPE_SECRET_KEY: "sk_test_worker",
      STRIPE_API_BASE: h.emulator.url,
      SMTP_URL: "",
      MAIL_INBOX_DIR: "/nonexistent/mail",
    });
    expect(await noSmtp.exit).toBe(1);
    expect(noSmtp.output()).toContain("SMTP_URL is not set and no pnpm dev");
    expect(noSmtp.output()).toContain("SMTP_URL=smtp://user:password@smtp.example.com:587");
    expect(noSmtp.output()).not.toMatch(/\n\s+at /);
  },
);
