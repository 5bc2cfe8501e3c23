import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { folderInbox, linksOf } from "./inbox-store.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "saas-inbox-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const message = (subject: string) => ({
  from: "a@example.com",
  to: ["b@example.com"],
  subject,
  messageId: null,
  html: null,
  text: subject,
  links: [],
});

describe("the folder inbox", () => {
  it("keeps messages across readers, newest first, one file each and no partial ones", async () => {
    const writer = folderInbox(dir);
    const first = writer.add(message("first"));
    await new Promise((resolve) => setTimeout(resolve, 5));
    writer.add(message("second"));
    const reader = folderInbox(dir);
    expect(reader.list().map((m) => m.subject)).toEqual(["second", "first"]);
    expect(reader.get(first.id)?.text).toBe("first");
    expect((await readdir(dir)).filter((name) => !name.endsWith(".json"))).toEqual([]);
    // Ids are the only names it reads: no path escapes the folder.
    expect(reader.get("../../etc/passwd")).toBeNull();
    reader.clear();
    expect(writer.list()).toEqual([]);
  });

  it("reads links from HTML, decoding entities and the padding of buttons", () => {
    const html = '<a href="https://x.test/a?b=1&amp;c=2">&#8202;Pay &amp; go&#8203;</a> <a class="l" href="/p">P</a>';
    expect(linksOf(html)).toEqual([
      { text: "Pay & go", href: "https://x.test/a?b=1&c=2" },
      { text: "P", href: "/p" },
    ]);
  });
});
