// A start-up failure a user can fix is one message that names the cause and the fix:
// never an unhandled 'error' event or a stack trace.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function startServer(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "server/index.ts"], {
      cwd: appDir,
      env: { ...process.env, DATABASE_URL: "", PORT: "3999", STRIPE_EMULATOR_PORT: "12999", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe("server start-up failures", () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), "saas-start-failure-"));
  });
  afterAll(() => rm(scratch, { recursive: true, force: true }));

  it("an unusable data folder stops start-up with one message naming it and the fix", async () => {
    const notAFolder = path.join(scratch, "a-file");
    await writeFile(notAFolder, "");
    const { code, output } = await startServer({ EMBEDDED_POSTGRES_DIR: path.join(notAFolder, "postgres") });
    expect(code).toBe(1);
    expect(output).toContain(`cannot create ${notAFolder}`);
    expect(output).toContain("EMBEDDED_POSTGRES_DIR");
    expect(output).not.toMatch(/^\s+at /m); // no stack trace
    expect(output).not.toContain("Unhandled 'error' event");
  }, 40_000);

  it("production without its settings refuses to start, and starts no emulator or embedded database", async () => {
    const dataDir = path.join(scratch, "production-pg");
    const { code, output } = await startServer({
      NODE_ENV: "production",
      STRIPE_SECRET_KEY: "",
      STRIPE_WEBHOOK_SECRET: "",
      APP_BASE_URL: "",
      SMTP_URL: "",
      EMBEDDED_POSTGRES_DIR: dataDir,
    });
    expect(code).toBe(1);
    for (const name of ["DATABASE_URL", "APP_BASE_URL", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "SMTP_URL"]) {
      expect(output).toContain(`${name}: required in production`);
    }
    expect(output).toContain("Set it, e.g. SMTP_URL=smtp://user:password@smtp.example.com:587");
    expect(output).not.toMatch(/^\s+at /m);
    expect(output).not.toContain("emulator at");
    expect(output).not.toContain("/dev/inbox");
    expect(existsSync(dataDir)).toBe(false);
    await expect(fetch("http://127.0.0.1:12999/_emulator/settings")).rejects.toThrow();
  }, 40_000);
});
