// A malformed or unknown cookie is ignored; the one asked for is still found beside it.
import { describe, expect, it } from "vitest";
import { readCookie } from "./read-cookie";

describe("readCookie", () => {
  it("finds the cookie beside undecodable ones, whatever the spacing", () => {
    expect(readCookie("_ga=%E0%A4%A; session=abc123; theme=%", "session")).toBe("abc123");
    expect(readCookie("%E0%A4%A=x;session=abc123;=y;lonely", "session")).toBe("abc123");
  });

  it("is null when the cookie is absent, and for no header at all", () => {
    expect(readCookie("_ga=%E0%A4%A", "session")).toBeNull();
    expect(readCookie("sessionx=1; xsession=2", "session")).toBeNull();
    expect(readCookie("", "session")).toBeNull();
    expect(readCookie(null, "session")).toBeNull();
  });

  it("decodes the value, keeps an = inside it, and unquotes it", () => {
    expect(readCookie("session=a%20b", "session")).toBe("a b");
    expect(readCookie("session=a=b", "session")).toBe("a=b");
    expect(readCookie('session="abc"', "session")).toBe("abc");
  });

  it("skips an undecodable value for a later one of the same name", () => {
    expect(readCookie("session=%E0%A4%A; session=good", "session")).toBe("good");
    expect(readCookie("session=%E0%A4%A", "session")).toBeNull();
  });
});
