// The job worker as a process of its own (`pnpm worker`, server/worker-main.ts of the same
// snapshot), for runs with --worker separate: the web process then only accepts webhooks, as
// a deployment with WORKER_IN_PROCESS=false does. Its log lines go to the server's log file.
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { cpuSeconds, type CpuGroup } from "./process-cpu.ts";

export type WorkerProcess = { cpu: CpuGroup; stop(): Promise<void> };

export async function startWorker(options: {
  webRoot: string;
  databaseUrl: string;
  stripeApiBase: string;
  logFile: string;
}): Promise<WorkerProcess> {
  const log = openSync(options.logFile, "a");
  const child = spawn(process.execPath, ["--import", "tsx", "server/worker-main.ts"], {
    cwd: options.webRoot,
    stdio: ["ignore", log, log],
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: options.databaseUrl,
      STRIPE_SECRET_KEY: "sk_test_bench",
      STRIPE_API_BASE: options.stripeApiBase,
    },
  });
  closeSync(log);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  process.once("exit", () => child.kill("SIGKILL"));
  // Ready once it has said so (its start-up banner names the worker).
  for (const started = Date.now(); !readFileSync(options.logFile, "utf8").includes("  Worker  ");) {
    if (child.exitCode !== null) throw new Error(`the worker exited (code ${child.exitCode}); see ${options.logFile}`);
    if (Date.now() - started > 60_000) throw new Error(`the worker did not start within 60 s; see ${options.logFile}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const pid = child.pid ?? 0;
  return {
    cpu: { name: "worker", read: () => cpuSeconds(pid, false) },
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 30_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}
