import { EnvError } from "@saas/env";
import { describe, expect, it } from "vitest";
import { DEFAULT_FROM, readMailEnv } from "./env.ts";

describe("mail environment", () => {
  it("defaults to the embedded inbox and the default sender", () => {
    expect(readMailEnv({})).toEqual({ smtpUrl: undefined, from: DEFAULT_FROM, inboxDir: ".data/mail" });
  });

  it("takes smtp:// and smtps:// URLs and a named sender", () => {
    const env = readMailEnv({ SMTP_URL: "smtps://user:pass@smtp.example.com:465", MAIL_FROM: "Acme <a@example.com>" });
    expect(env).toMatchObject({ smtpUrl: "smtps://user:pass@smtp.example.com:465", from: "Acme <a@example.com>" });
  });

  it.each([
    [{ SMTP_URL: "https://smtp.example.com" }, /SMTP_URL: must be a URL starting with smtp:\/\/ or smtps:\/\//],
    [{ MAIL_FROM: "not an address" }, /MAIL_FROM: must be an address/],
  ])("refuses %o with a message naming the variable and how to set it", (source, message) => {
    expect(() => readMailEnv(source)).toThrow(EnvError);
    expect(() => readMailEnv(source)).toThrow(message);
    expect(() => readMailEnv(source)).toThrow(/e\.g\./);
  });
});
