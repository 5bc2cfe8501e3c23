// The SMTP connection: nodemailer over SMTP_URL (or the embedded inbox's URL), with short
// timeouts so a silent server fails the attempt and the queue retries it later.
import nodemailer from "nodemailer";

export type MailTransport = {
  send(message: OutgoingMessage): Promise<{ messageId: string }>;
  close(): void;
};

export type OutgoingMessage = {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Fixed per cause: a receiver that sees it twice knows it is one email. */
  messageId: string;
};

const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 } as const;

export function createMailTransport(smtpUrl: string): MailTransport {
  const transporter = nodemailer.createTransport({ url: smtpUrl, ...TIMEOUTS });
  return {
    async send(message) {
      const info = (await transporter.sendMail(message)) as { messageId?: string };
      return { messageId: info.messageId ?? message.messageId };
    },
    close: () => transporter.close(),
  };
}
