// The offline inbox: the embedded SMTP server and the messages it received.
export {
  folderInbox,
  linksOf,
  memoryInbox,
  type InboxLink,
  type InboxMessage,
  type InboxStore,
} from "./inbox-store.ts";
export { startSmtpInbox, type SmtpInbox } from "./smtp-inbox.ts";
