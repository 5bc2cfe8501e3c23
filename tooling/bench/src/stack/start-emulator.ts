// Starts emulator-process.ts and waits until it listens.
import { fork } from "node:child_process";
import path from "node:path";
import { benchDir } from "./paths.ts";

export type EmulatorProcess = { url: string; pid: number; webhookSecret: string; stop(): Promise<void> };

export async function startEmulatorProcess(options: { port: number; webhookSecret: string }): Promise<EmulatorProcess> {
  const child = fork(path.join(benchDir, "src/stack/emulator-process.ts"), [], {
    cwd: benchDir,
    execArgv: ["--import", "tsx"],
    env: { ...process.env, BENCH_EMULATOR_PORT: String(options.port), BENCH_WEBHOOK_SECRET: options.webhookSecret },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  process.once("exit", () => child.kill("SIGKILL"));
  const ready = await new Promise<{ url: string; webhookSecret: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the emulator did not start within 60 s")), 60_000);
    child.once("message", (message: { url: string; webhookSecret: string }) => {
      clearTimeout(timer);
      resolve(message);
    });
    child.once("exit", (code) => reject(new Error(`the emulator exited with code ${code} before it was ready`)));
  });
  return {
    ...ready,
    pid: child.pid ?? 0,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}
