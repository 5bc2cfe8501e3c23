// Everything under test, started in order and stopped in reverse: the emulator process,
// then the app (which starts its PostgreSQL and syncs the catalog into the emulator).
import { randomBytes } from "node:crypto";
import { createStripeClient } from "@saas/billing";
import type Stripe from "stripe";
import { freePort } from "@saas/db/embedded";
import { cpuSeconds, selfGroup, type CpuGroup } from "./process-cpu.ts";
import { scratchDir } from "./paths.ts";
import { startStripeProxy, type StripeProxy } from "./stripe-proxy.ts";
import { startApp, type AppProcess } from "./start-app.ts";
import { startEmulatorProcess, type EmulatorProcess } from "./start-emulator.ts";
import { startWorker } from "./start-worker.ts";

export type Stack = {
  app: AppProcess;
  emulator: EmulatorProcess;
  /** Configured as the app's own client is (timeouts, retries), straight to the emulator: for setup and checks. */
  stripe: Stripe;
  /** The same, through whatever the app reaches Stripe through (the proxy, when there is one). */
  stripeAsApp: Stripe;
  /** The proxy the app's Stripe calls go through (counting them), when the run needs one. */
  stripeProxy: StripeProxy | null;
  webhookSecret: string;
  cpuGroups: CpuGroup[];
  stop(): Promise<void>;
};

export async function startStack(options: {
  cpuProfileDir?: string | null;
  stripeLatencyMs?: number;
  /** Count the app's Stripe requests through a proxy (the sections that report them need it). */
  countStripe?: boolean;
  /** Run the job worker in a process of its own instead of inside the app's. */
  separateWorker?: boolean;
}): Promise<Stack> {
  const scratch = scratchDir("saas-bench-");
  const stops: Array<() => Promise<void>> = [() => Promise.resolve(scratch.remove())];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch((error: unknown) => console.error(error));
    stops.length = 0;
  };
  try {
    const webhookSecret = `whsec_bench_${randomBytes(12).toString("hex")}`;
    const emulator = await startEmulatorProcess({ port: await freePort(), webhookSecret });
    stops.push(() => emulator.stop());
    let stripeApiBase = emulator.url;
    let stripeProxy: StripeProxy | null = null;
    if (options.stripeLatencyMs || options.countStripe) {
      const proxy = await startStripeProxy(emulator.url, options.stripeLatencyMs ?? 0);
      stops.push(() => proxy.stop());
      stripeApiBase = proxy.url;
      stripeProxy = proxy;
    }
    const app = await startApp({
      scratch: scratch.dir,
      stripeApiBase,
      webhookSecret,
      cpuProfileDir: options.cpuProfileDir ?? undefined,
      workerInProcess: !options.separateWorker,
    });
    stops.push(() => app.stop());
    const worker = options.separateWorker
      ? await startWorker({ webRoot: app.webRoot, databaseUrl: app.databaseUrl, stripeApiBase, logFile: app.logFile })
      : null;
    if (worker) stops.push(() => worker.stop());
    // The bench's own calls use a key of their own: with Stripe's per-key rate limits in the
    // emulator, setting up and checking never spend the app's allowance.
    const stripe = createStripeClient({ secretKey: "sk_test_bench_setup", apiBase: emulator.url });
    const stripeAsApp = createStripeClient({ secretKey: "sk_test_bench", apiBase: stripeApiBase });
    const cpuGroups: CpuGroup[] = [
      // The server's children are PostgreSQL's processes, counted on their own below.
      { name: "app", read: () => cpuSeconds(app.pid, false) },
      { name: "postgres", read: () => cpuSeconds(app.postgresPid, true) },
      { name: "emulator", read: () => cpuSeconds(emulator.pid, false) },
      selfGroup,
      ...(worker ? [worker.cpu] : []),
    ];
    return { app, emulator, stripe, stripeAsApp, stripeProxy, webhookSecret, cpuGroups, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
