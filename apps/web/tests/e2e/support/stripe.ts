// The emulator the app under test talks to (started by the app itself; see
// playwright.config.ts): its control client, an SDK pointed at it, and test clocks.
import { EmulatorControlClient } from "@saas/stripe-emulator";
import Stripe from "stripe";

/** False under E2E_STRIPE=test-mode: the suite then runs against real Stripe test mode. */
export const onEmulator = process.env.E2E_STRIPE !== "test-mode";
export const NEEDS_EMULATOR =
  "needs the emulator's control API (fault injection), which Stripe test mode does not have";

const emulatorUrl = `http://127.0.0.1:${process.env.E2E_EMULATOR_PORT}`;
export const emulator = new EmulatorControlClient(emulatorUrl);
export const stripe = onEmulator
  ? new Stripe("sk_test_e2e", {
      host: "127.0.0.1",
      port: Number(process.env.E2E_EMULATOR_PORT),
      protocol: "http",
      maxNetworkRetries: 0,
    })
  : new Stripe(process.env.STRIPE_SECRET_KEY ?? "");

/** What the app verifies webhooks with: the emulator signs with it, as does `stripe listen`. */
const webhookSecret = (onEmulator ? process.env.E2E_WEBHOOK_SECRET : process.env.STRIPE_WEBHOOK_SECRET) ?? "";

/** Delivers an event to the app again, signed, as Stripe does when it retries or duplicates one. */
export async function redeliver(event: Stripe.Event): Promise<{ status: number; outcome: string }> {
  const payload = JSON.stringify(event);
  const response = await fetch(`http://localhost:${process.env.E2E_PORT}/api/webhooks/stripe`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "Stripe-Signature": stripe.webhooks.generateTestHeaderString({ payload, secret: webhookSecret }),
    },
    body: payload,
  });
  return { status: response.status, outcome: ((await response.json()) as { outcome: string }).outcome };
}

/** Waits until Stripe's webhooks for what just happened have reached the app. */
export async function settleWebhooks(): Promise<void> {
  if (onEmulator) await emulator.waitForDeliveries(15_000);
  // Stripe test mode gives no such signal: `stripe listen` forwards within seconds.
  else await new Promise((resolve) => setTimeout(resolve, 5_000));
}

export const DAY = 86_400;

/** Advances a test clock and waits until Stripe (the emulator) has run everything due. */
export async function advanceClock(clockId: string, frozenTime: number): Promise<void> {
  await stripe.testHelpers.testClocks.advance(clockId, { frozen_time: frozenTime });
  for (let i = 0; i < 2_400; i++) {
    if ((await stripe.testHelpers.testClocks.retrieve(clockId)).status === "ready") {
      await settleWebhooks();
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`test clock ${clockId} did not finish advancing`);
}

/** The live price for a catalog lookup key. */
export async function priceFor(lookupKey: string): Promise<Stripe.Price> {
  const [price] = (await stripe.prices.list({ lookup_keys: [lookupKey], active: true })).data;
  if (!price) throw new Error(`no price ${lookupKey}`);
  return price;
}
