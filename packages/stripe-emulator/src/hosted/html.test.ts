import { describe, expect, it } from "vitest";
import { html, safeUrl } from "./html.ts";

describe("html", () => {
  it("escapes every interpolated value, including inside attributes and arrays", () => {
    const name = `<script>alert("x")</script>`;
    const out = html`<p title="${`" onmouseover="evil`}">${name}${[name, 1, null, false]}</p>`.text;
    expect(out).not.toContain("<script>");
    expect(out).not.toContain(`" onmouseover`);
    expect(out).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(out).toContain("1</p>");
  });

  it("inserts nested markup as is", () => {
    expect(html`<ul>${[html`<li>${"a&b"}</li>`]}</ul>`.text).toBe("<ul><li>a&amp;b</li></ul>");
  });
});

describe("safeUrl", () => {
  it("keeps http(s) URLs and drops everything else", () => {
    expect(safeUrl("https://app.test/back?x=1")).toBe("https://app.test/back?x=1");
    expect(safeUrl("javascript:alert(1)")).toBeNull();
    expect(safeUrl("data:text/html,hi")).toBeNull();
    expect(safeUrl("not a url")).toBeNull();
    expect(safeUrl(null)).toBeNull();
  });
});
