// Which Chromium the Playwright suites drive: Playwright's own build when installed,
// else the system's (Debian's `chromium` package), else one `playwright install` brings.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type LaunchOptions } from "@playwright/test";

const SYSTEM_CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

// Background services phone home; on machines without internet each attempt is a
// refused connection, and they slow start-up for nothing.
const QUIET_FLAGS = [
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-gpu",
];

let resolved: string | null | undefined;

/** Null means Playwright's bundled Chromium; a path means a system browser. */
function resolveExecutable(): string | null {
  if (existsSync(chromium.executablePath())) return null;
  const system = SYSTEM_CHROMIUM.find((file) => existsSync(file));
  if (system) return system;
  try {
    execFileSync("npx", ["playwright", "install", "chromium"], { stdio: "inherit", timeout: 300_000 });
    if (existsSync(chromium.executablePath())) return null;
  } catch {
    // No download possible here; say what to do instead.
  }
  throw new Error(
    "No Chromium for the Playwright tests. Install one with:\n" +
      "  apt-get update && apt-get install -y chromium     (Debian/Ubuntu)\n" +
      "or, where downloads work:\n" +
      "  pnpm exec playwright install chromium",
  );
}

export function chromiumLaunchOptions(): LaunchOptions {
  resolved ??= resolveExecutable();
  return { ...(resolved ? { executablePath: resolved } : {}), args: QUIET_FLAGS };
}

/**
 * Video recording needs Playwright's own ffmpeg build, which only `playwright install`
 * downloads. Without it, keep traces and screenshots (traces hold a screencast too).
 */
export function videoMode(): "retain-on-failure" | "off" {
  const browsers = process.env.PLAYWRIGHT_BROWSERS_PATH || path.join(os.homedir(), ".cache", "ms-playwright");
  const hasFfmpeg = existsSync(browsers) && readdirSync(browsers).some((entry) => entry.startsWith("ffmpeg-"));
  return hasFfmpeg ? "retain-on-failure" : "off";
}
