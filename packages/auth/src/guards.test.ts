import { describe, expect, it } from "vitest";
import { isSameOrigin } from "./origin.ts";
import { safeRedirect } from "./redirects.ts";
import { loginSchema, signupSchema } from "./validation.ts";

describe("safeRedirect", () => {
  it.each([
    ["/settings/billing", "/settings/billing"],
    ["/settings/billing?checkout=success#top", "/settings/billing?checkout=success#top"],
    ["/caf%C3%A9?q=a%20b", "/caf%C3%A9?q=a%20b"],
    ["https://evil.example/", "/"],
    ["//evil.example/", "/"],
    ["/\\evil.example", "/"],
    // Refused by their shape, even naming the placeholder host that paths are resolved against.
    ["//same.invalid/settings", "/"],
    ["/\\same.invalid/settings", "/"],
    ["\\\\evil.example", "/"],
    ["javascript:alert(1)", "/"],
    ["settings", "/"],
    ["", "/"],
    [null, "/"],
    [42, "/"],
  ])("%j → %j", (input, expected) => {
    expect(safeRedirect(input)).toBe(expected);
  });

  // Only a hand-made request sends these; the route answers 400 before doing anything.
  it.each([
    ["/\t/evil.example"],
    ["/\u2028x"],
    ["/\u2029x"],
    ["/a b"],
    ["/café"],
    ["/\u0000"],
    ["/\u007f"],
    ["/x\r\nSet-Cookie: a=b"],
  ])("%j is refused outright (null)", (input) => {
    expect(safeRedirect(input)).toBeNull();
  });
});

describe("isSameOrigin", () => {
  const post = (headers: Record<string, string>) =>
    new Request("http://localhost:3000/logout", { method: "POST", headers });
  it("accepts the app's own origin", () => {
    expect(isSameOrigin(post({ Origin: "http://localhost:3000" }), "http://localhost:3000")).toBe(true);
  });
  it.each([
    [{ Origin: "https://evil.example" }],
    [{ Origin: "http://localhost:3001" }],
    [{ Origin: "null" }],
    [{}],
    [{ Referer: "https://evil.example/page" }],
    [{ Referer: "not a url" }],
  ])("refuses %j", (headers) => {
    expect(isSameOrigin(post(headers), "http://localhost:3000")).toBe(false);
  });
  it("falls back to the Referer when the browser sent no Origin", () => {
    expect(isSameOrigin(post({ Referer: "http://localhost:3000/login" }), "http://localhost:3000")).toBe(true);
  });
});

describe("form rules", () => {
  // Passes the strength rule (password-strength.test.ts), so these tests see only their own.
  const STRONG = "plum kettle orbit saffron";
  it("normalises the email", () => {
    expect(signupSchema.parse({ email: "  Ada@Example.COM ", password: STRONG }).email).toBe("ada@example.com");
  });
  it("names each bad field", () => {
    const result = signupSchema.safeParse({ email: "not an email", password: "short" });
    expect(result.success).toBe(false);
    const fields = result.error?.flatten().fieldErrors;
    expect(fields?.email).toEqual(["Enter a valid email address"]);
    expect(fields?.password).toEqual(["Use at least 8 characters"]);
  });
  it("bounds the password at 256 characters", () => {
    expect(signupSchema.safeParse({ email: "a@b.co", password: STRONG.padEnd(257, "x") }).success).toBe(false);
    expect(signupSchema.safeParse({ email: "a@b.co", password: STRONG.padEnd(256, "x") }).success).toBe(true);
    expect(loginSchema.safeParse({ email: "a@b.co", password: "" }).success).toBe(false);
  });
});
