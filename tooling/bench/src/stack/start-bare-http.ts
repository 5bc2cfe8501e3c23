// Starts bare-http-process.ts and waits until it listens.
import { fork } from "node:child_process";
import path from "node:path";
import { cpuSeconds, type CpuGroup } from "./process-cpu.ts";
import { benchDir } from "./paths.ts";

export type BareHttp = { url: string; cpu: CpuGroup; stop(): Promise<void> };

export async function startBareHttp(): Promise<BareHttp> {
  const child = fork(path.join(benchDir, "src/stack/bare-http-process.ts"), [], {
    cwd: benchDir,
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  process.once("exit", () => child.kill("SIGKILL"));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the bare node:http server did not start within 30 s")), 30_000);
    child.once("message", (message: { port: number }) => {
      clearTimeout(timer);
      resolve(message.port);
    });
  });
  const pid = child.pid ?? 0;
  return {
    url: `http://127.0.0.1:${port}`,
    cpu: { name: "bare", read: () => cpuSeconds(pid, false) },
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}
