// The offline inbox's messages: one JSON file each in a folder (`.data/mail` for `pnpm dev`,
// a scratch folder for the end-to-end suite), or in memory for a test process. Files, not
// the app's database: the inbox is a development stand-in for the recipients' mailboxes,
// and production's schema should not carry it.
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

export type InboxLink = { text: string; href: string };

export type InboxMessage = {
  /** Sortable by arrival: a base-36 time, then randomness. */
  id: string;
  receivedAt: string;
  from: string;
  to: string[];
  subject: string;
  messageId: string | null;
  html: string | null;
  text: string | null;
  /** Every link of the HTML part, in order. */
  links: InboxLink[];
};

export type InboxStore = {
  add(message: Omit<InboxMessage, "id" | "receivedAt">): InboxMessage;
  /** Newest first. */
  list(): InboxMessage[];
  get(id: string): InboxMessage | null;
  clear(): void;
};

const ID = /^[a-z0-9]+-[a-f0-9]+$/;

function newId(): string {
  return `${Date.now().toString(36).padStart(9, "0")}-${randomBytes(4).toString("hex")}`;
}

export function memoryInbox(): InboxStore {
  const messages: InboxMessage[] = [];
  return {
    add(message) {
      const stored = { ...message, id: newId(), receivedAt: new Date().toISOString() };
      messages.push(stored);
      return stored;
    },
    list: () => [...messages].reverse(),
    get: (id) => messages.find((m) => m.id === id) ?? null,
    clear: () => void messages.splice(0),
  };
}

/** Readers (the inbox page, tests) and the one writer (the embedded SMTP server) share the folder. */
export function folderInbox(dir: string): InboxStore {
  const file = (id: string) => path.join(dir, `${id}.json`);
  const read = (id: string): InboxMessage | null => {
    try {
      return JSON.parse(readFileSync(file(id), "utf8")) as InboxMessage;
    } catch {
      return null;
    }
  };
  const ids = (): string[] => {
    try {
      return readdirSync(dir)
        .filter((name) => name.endsWith(".json"))
        .map((name) => name.slice(0, -".json".length))
        .filter((id) => ID.test(id));
    } catch {
      return [];
    }
  };
  return {
    add(message) {
      mkdirSync(dir, { recursive: true });
      const stored = { ...message, id: newId(), receivedAt: new Date().toISOString() };
      // Written whole, then renamed: a reader never sees half a message.
      const temporary = path.join(dir, `.${stored.id}.tmp`);
      writeFileSync(temporary, JSON.stringify(stored, null, 2));
      renameSync(temporary, file(stored.id));
      return stored;
    },
    list: () =>
      ids()
        .sort()
        .reverse()
        .flatMap((id) => read(id) ?? []),
    get: (id) => (ID.test(id) ? read(id) : null),
    clear: () => {
      for (const id of ids()) rmSync(file(id), { force: true });
    },
  };
}

/** The links of an HTML part: where each `href` leads and the text it is on. */
export function linksOf(html: string | null): InboxLink[] {
  if (!html) return [];
  const links: InboxLink[] = [];
  for (const match of html.matchAll(/<a\b[^>]*\bhref="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi)) {
    const href = decodeEntities(match[1] ?? "");
    // Buttons pad their label with hair and zero-width spaces for some mail clients.
    const text = decodeEntities((match[2] ?? "").replace(/<[^>]+>/g, ""))
      .replace(/[\u200b-\u200d\ufeff]/g, "")
      .trim();
    links.push({ text, href });
  }
  return links;
}

function decodeEntities(value: string): string {
  return value
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&#x([0-9a-f]+);/gi, (_, code: string) => String.fromCodePoint(parseInt(code, 16)))
    .replace(/&amp;/g, "&")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&nbsp;/g, " ");
}
