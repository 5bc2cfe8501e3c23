// New passwords must be hard to guess, not only long: the rule sign-up and the password
// change share, with a message that says what to do instead.
import { describe, expect, it } from "vitest";
import { passwordSchema, signupSchema } from "./validation.ts";

const messagesFor = (password: string) =>
  passwordSchema.safeParse(password).error?.issues.map((issue) => issue.message) ?? [];

describe("passwordSchema", () => {
  it.each([
    ["8 spaces", "        ", /Repeated characters/],
    ["12345678", "12345678", /heavily used password/],
    ["password", "password", /heavily used password/],
    ["Password1", "Password1", /commonly used password/],
    ["qwertyuiop", "qwertyuiop", /frequently used password/],
    ["a name and a year", "jennifer1990", /./],
  ])("refuses %s, saying why and what to do", (_, password, why) => {
    const messages = messagesFor(password);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(why);
    expect(messages[0]).toMatch(/Add more words|Avoid|Use a few words/);
  });

  it.each([["correct horse battery"], ["plum kettle orbit saffron"], ["velvet-otter-lantern-42"]])(
    "accepts %j",
    (password) => {
      expect(passwordSchema.safeParse(password).success).toBe(true);
    },
  );

  it("says only that it is too short when it is", () => {
    expect(messagesFor("abc")).toEqual(["Use at least 8 characters"]);
  });

  it("answers a long password made to be slow to judge within a second or two", () => {
    // Judged whole, this took 10 s of CPU: judging is capped at its first 64 characters.
    const adversarial = Array.from({ length: 256 }, (_, i) => String.fromCharCode(33 + ((i * 7) % 90))).join("");
    const started = performance.now();
    passwordSchema.safeParse(adversarial);
    expect(performance.now() - started).toBeLessThan(3_000);
  });
});

describe("sign-up", () => {
  it("uses the same rule", () => {
    const result = signupSchema.safeParse({ email: "ada@example.com", password: "password" });
    expect(result.error?.flatten().fieldErrors.password?.[0]).toMatch(/heavily used password/);
  });
});
