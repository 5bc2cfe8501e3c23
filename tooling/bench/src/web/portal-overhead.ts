// billing.createPortalSession over HTTP (tRPC, signed in) against the same Stripe call
// made directly to the emulator, alternating one of each so both see the same moment of
// a shared machine. The difference is what the app adds: Express, Remix, tRPC, the
// session check and the account read.
import pg from "pg";
import type Stripe from "stripe";
import type { HttpClient } from "../load/http-client.ts";
import { summarize, type Latency } from "../load/stats.ts";
import { trpcData, type SignedInUser } from "./signed-in-user.ts";

/** `appCpuMs`: the app process's CPU per createPortalSession call (the emulator's work is in another process). */
export type PortalResult = {
  app: Latency;
  stripe: Latency;
  overheadP50: number;
  overheadP99: number;
  appCpuMs: number;
};

export async function measurePortalOverhead(options: {
  client: HttpClient;
  user: SignedInUser;
  stripe: Stripe;
  databaseUrl: string;
  samples: number;
  appCpuSeconds: () => number;
}): Promise<PortalResult> {
  const { client, user, stripe } = options;
  const db = new pg.Client({ connectionString: options.databaseUrl });
  await db.connect();
  const { rows } = await db.query<{ stripe_customer_id: string }>(
    `SELECT a.stripe_customer_id FROM accounts a JOIN users u ON u.id = a.user_id WHERE u.email = $1`,
    [user.email],
  );
  await db.end();
  const customer = rows[0]?.stripe_customer_id;
  if (!customer) throw new Error(`no Stripe customer for ${user.email}`);
  const configurations = await stripe.billingPortal.configurations.list({ active: true, limit: 10 });
  const configuration = configurations.data.find((c) => c.is_default)?.id ?? configurations.data[0]?.id;
  // The app's own request: the return URL comes from its configuration, so the direct call uses the same.
  const params: Stripe.BillingPortal.SessionCreateParams = {
    customer,
    return_url: `${client.baseUrl}/settings/billing`,
    ...(configuration ? { configuration } : {}),
  };

  const viaApp = async () => {
    const response = await client.request("POST", "/api/trpc/billing.createPortalSession", {
      body: "{}",
      headers: user.headers,
    });
    trpcData<{ redirectUrl: string }>(response.body, response.status);
    return response.ms;
  };
  const direct = async () => {
    const started = performance.now();
    await stripe.billingPortal.sessions.create(params);
    return performance.now() - started;
  };

  for (let i = 0; i < Math.min(50, options.samples); i++) {
    await viaApp();
    await direct();
  }
  const app: number[] = [];
  const emulator: number[] = [];
  const cpuBefore = options.appCpuSeconds();
  for (let i = 0; i < options.samples; i++) {
    // Alternate which goes first, so neither always follows the other's garbage.
    if (i % 2) {
      app.push(await viaApp());
      emulator.push(await direct());
    } else {
      emulator.push(await direct());
      app.push(await viaApp());
    }
  }
  // The direct calls cost the app nothing, so the app's CPU over the loop is its cost for the tRPC calls.
  const appCpuMs = ((options.appCpuSeconds() - cpuBefore) * 1000) / options.samples;
  const appLatency = summarize(app);
  const stripeLatency = summarize(emulator);
  return {
    app: appLatency,
    stripe: stripeLatency,
    overheadP50: appLatency.p50 - stripeLatency.p50,
    overheadP99: appLatency.p99 - stripeLatency.p99,
    appCpuMs,
  };
}
