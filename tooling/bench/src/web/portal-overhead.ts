// billing.createPortalSession over HTTP (tRPC, signed in) against the same Stripe call
// made directly to the emulator, alternating one of each so both see the same moment of
// a shared machine. The difference is what the app adds: Express, Remix, tRPC, the
// session check, the per-user rate limit and the account read.
//
// The procedure allows STRIPE_CALL_LIMIT calls per user in a sliding minute, so the calls
// rotate over enough subscribers that none makes more than that many in the whole run
// (however long it takes): every call is one a real user within the limit makes, with the
// same work in the app (the limit's transaction included), and none is refused.
import { STRIPE_CALL_LIMIT } from "@saas/api";
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
  /** Subscribers the calls rotated over, and the most calls any one of them made. */
  users: number;
  callsPerUser: number;
};

const warmupCalls = (samples: number) => Math.min(50, samples);

/** How many subscribers `measurePortalOverhead` needs so that none goes over the per-user limit. */
export function portalUsersNeeded(samples: number): number {
  return Math.ceil((warmupCalls(samples) + samples) / STRIPE_CALL_LIMIT.max);
}

export async function measurePortalOverhead(options: {
  client: HttpClient;
  users: SignedInUser[];
  stripe: Stripe;
  databaseUrl: string;
  samples: number;
  appCpuSeconds: () => number;
}): Promise<PortalResult> {
  const { client, users, stripe } = options;
  const warmup = warmupCalls(options.samples);
  const callsPerUser = Math.ceil((warmup + options.samples) / users.length);
  if (callsPerUser > STRIPE_CALL_LIMIT.max)
    throw new Error(
      `${users.length} users for ${warmup + options.samples} portal calls: more than ${STRIPE_CALL_LIMIT.max} each`,
    );
  const db = new pg.Client({ connectionString: options.databaseUrl });
  await db.connect();
  const { rows } = await db.query<{ email: string; stripe_customer_id: string | null }>(
    // Each user's personal organization, the one they own: its account's customer.
    `SELECT u.email, a.stripe_customer_id FROM accounts a
     JOIN memberships m ON m.organization_id = a.organization_id AND m.role = 'owner'
     JOIN users u ON u.id = m.user_id WHERE u.email = ANY($1)`,
    [users.map((user) => user.email)],
  );
  await db.end();
  const customerOf = new Map(rows.map((row) => [row.email, row.stripe_customer_id]));
  const configurations = await stripe.billingPortal.configurations.list({ active: true, limit: 10 });
  const configuration = configurations.data.find((c) => c.is_default)?.id ?? configurations.data[0]?.id;
  // Per user: the app's own request. The return URL comes from its configuration, so the direct call uses the same.
  const rotation = users.map((user) => {
    const customer = customerOf.get(user.email);
    if (!customer) throw new Error(`no Stripe customer for ${user.email}`);
    const params: Stripe.BillingPortal.SessionCreateParams = {
      customer,
      return_url: `${client.baseUrl}/settings/billing`,
      ...(configuration ? { configuration } : {}),
    };
    return { user, params };
  });

  const viaApp = async ({ user }: (typeof rotation)[number]) => {
    const response = await client.request("POST", "/api/trpc/billing.createPortalSession", {
      body: "{}",
      headers: user.headers,
    });
    trpcData<{ redirectUrl: string }>(response.body, response.status);
    return response.ms;
  };
  const direct = async ({ params }: (typeof rotation)[number]) => {
    const started = performance.now();
    await stripe.billingPortal.sessions.create(params);
    return performance.now() - started;
  };
  // Call n (warm-up included) is the nth user's in turn: each gets at most callsPerUser.
  let call = 0;
  const next = () => rotation[call++ % rotation.length] as (typeof rotation)[number];

  for (let i = 0; i < warmup; i++) {
    const turn = next();
    await viaApp(turn);
    await direct(turn);
  }
  const app: number[] = [];
  const emulator: number[] = [];
  const cpuBefore = options.appCpuSeconds();
  for (let i = 0; i < options.samples; i++) {
    const turn = next();
    // Alternate which goes first, so neither always follows the other's garbage.
    if (i % 2) {
      app.push(await viaApp(turn));
      emulator.push(await direct(turn));
    } else {
      emulator.push(await direct(turn));
      app.push(await viaApp(turn));
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
    users: users.length,
    callsPerUser,
  };
}
