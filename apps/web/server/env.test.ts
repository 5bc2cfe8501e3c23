import { EnvError } from "@saas/env";
import { describe, expect, it } from "vitest";
import { readServerEnv } from "./env.ts";

describe("server environment", () => {
  it("works with nothing set", () => {
    expect(readServerEnv({})).toMatchObject({
      NODE_ENV: "development",
      PORT: 3000,
      HOST: "127.0.0.1",
      APP_BASE_URL: "http://localhost:3000",
    });
  });

  it("derives the base URL from PORT and listens on all interfaces in production", () => {
    expect(readServerEnv({ PORT: "8080", NODE_ENV: "production", OFFLINE_DEMO: "true" })).toMatchObject({
      HOST: "0.0.0.0",
      APP_BASE_URL: "http://localhost:8080",
    });
  });

  it("reads the emulator's rate limit as a number or off, and leaves it to the emulator when unset", () => {
    expect(readServerEnv({ STRIPE_EMULATOR_RATE_LIMIT: "100" }).STRIPE_EMULATOR_RATE_LIMIT).toBe(100);
    expect(readServerEnv({ STRIPE_EMULATOR_RATE_LIMIT: "off" }).STRIPE_EMULATOR_RATE_LIMIT).toBe("off");
    expect(readServerEnv({}).STRIPE_EMULATOR_RATE_LIMIT).toBeUndefined();
  });

  it("drops a trailing slash from APP_BASE_URL", () => {
    expect(readServerEnv({ APP_BASE_URL: "https://app.example.com/" }).APP_BASE_URL).toBe("https://app.example.com");
  });

  it.each([
    [{ PORT: "abc" }, /PORT: must be a whole number from 1 to 65535 \(got "abc"\)/],
    [{ PORT: "0" }, /PORT/],
    [{ APP_BASE_URL: "app.example.com" }, /APP_BASE_URL: must be a URL starting with http:\/\/ or https:\/\//],
    [{ NODE_ENV: "staging" }, /NODE_ENV/],
    [{ STRIPE_EMULATOR_RATE_LIMIT: "fast" }, /STRIPE_EMULATOR_RATE_LIMIT[\s\S]*or off/],
    [{ STRIPE_EMULATOR_RATE_LIMIT: "0" }, /STRIPE_EMULATOR_RATE_LIMIT/],
  ])("refuses %o with a message naming the variable", (source, message) => {
    expect(() => readServerEnv(source)).toThrow(EnvError);
    expect(() => readServerEnv(source)).toThrow(message);
  });

  it("refuses production without its real settings, naming each one and how to set it", () => {
    const run = () => readServerEnv({ NODE_ENV: "production", APP_BASE_URL: "https://app.example.com" });
    expect(run).toThrow(EnvError);
    for (const name of ["DATABASE_URL", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "SMTP_URL"]) {
      expect(run).toThrow(new RegExp(`${name}: required in production[\\s\\S]*e\\.g\\. ${name}=`));
    }
    expect(run).not.toThrow(/APP_BASE_URL: required/);
    expect(run).toThrow(/OFFLINE_DEMO=true/);
  });

  it("accepts production with its settings", () => {
    const env = readServerEnv({
      NODE_ENV: "production",
      APP_BASE_URL: "https://app.example.com",
      DATABASE_URL: "postgresql://app@db.example.com/app",
      STRIPE_SECRET_KEY: "sk_live_abc",
      STRIPE_WEBHOOK_SECRET: "whsec_abc",
      SMTP_URL: "smtps://apikey:secret@smtp.example.com:465",
    });
    expect(env).toMatchObject({ production: true, offlineDemo: false, APP_BASE_URL: "https://app.example.com" });
  });

  it("refuses production without SMTP_URL alone, saying how to set it", () => {
    const run = () =>
      readServerEnv({
        NODE_ENV: "production",
        APP_BASE_URL: "https://app.example.com",
        DATABASE_URL: "postgresql://app@db.example.com/app",
        STRIPE_SECRET_KEY: "sk_live_abc",
        STRIPE_WEBHOOK_SECRET: "whsec_abc",
      });
    expect(run).toThrow(/SMTP_URL: required in production[\s\S]*e\.g\. SMTP_URL=smtp:\/\/user:password@/);
    expect(run).not.toThrow(/DATABASE_URL: required/);
    // The offline demo runs on the embedded SMTP inbox instead.
    expect(() => readServerEnv({ NODE_ENV: "production", OFFLINE_DEMO: "true" })).not.toThrow();
  });
});
