// The embedded SMTP server of development and tests (npm smtp-server): the app sends to it
// over real SMTP, as it would to a provider, and every message it accepts is parsed
// (mailparser) into the inbox. It listens on 127.0.0.1 only and accepts any sender and
// recipient, without TLS or authentication.
import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { linksOf, type InboxStore } from "./inbox-store.ts";

export type SmtpInbox = {
  /** smtp://127.0.0.1:<port>: what the app sends to. */
  url: string;
  port: number;
  store: InboxStore;
  stop(): Promise<void>;
};

/** `port` 0 (the default) takes a free one. */
export async function startSmtpInbox(options: { store: InboxStore; port?: number }): Promise<SmtpInbox> {
  const { store } = options;
  const server = new SMTPServer({
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    banner: "offline inbox",
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const html = typeof parsed.html === "string" ? parsed.html : null;
          store.add({
            from: parsed.from?.text ?? (session.envelope.mailFrom ? session.envelope.mailFrom.address : ""),
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            subject: parsed.subject ?? "",
            messageId: parsed.messageId ?? null,
            html,
            text: parsed.text ?? null,
            links: linksOf(html),
          });
          callback();
        })
        .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  // smtp-server logs connection errors to 'error' events; an unhandled one would crash the app.
  server.on("error", () => {});
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    store,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
