// The Stripe emulator in a process of its own, so its CPU is measured apart from the app's
// and the load generator's. Started by start-emulator.ts over an IPC channel; stops when
// told to or when the bench goes away.
import { startEmulator } from "@saas/stripe-emulator";

const emulator = await startEmulator({
  port: Number(process.env.BENCH_EMULATOR_PORT ?? 0),
  ...(process.env.BENCH_WEBHOOK_SECRET ? { webhookSecret: process.env.BENCH_WEBHOOK_SECRET } : {}),
  // No renewals in real time: the truth the bench checks against must not move under it.
  realTimeTickMs: 0,
  // The app's costs, comparable with BENCHMARKS.md's earlier runs, not Stripe's 25 requests a second.
  rateLimit: "off",
});

const stop = () => void emulator.stop().finally(() => process.exit(0));
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
process.once("disconnect", stop);
process.send?.({ url: emulator.url, webhookSecret: emulator.webhookSecret });
