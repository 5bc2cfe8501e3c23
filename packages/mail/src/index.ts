export { DEFAULT_FROM, readMailEnv, SMTP_URL_HINT, type MailEnv } from "./env.ts";
export { cancelQueuedEmail, EMAIL_MAX_ATTEMPTS, EMAIL_TASK, enqueueEmail } from "./jobs/queue.ts";
export { messageIdFor, runEmailJob, type EmailJobDeps, type EmailJobResult } from "./jobs/send-email-job.ts";
export { mailTasks, type MailJobLogLine } from "./jobs/tasks.ts";
export { readEmailPreferences, updateEmailPreferences, type EmailPreferences } from "./preferences.ts";
export { renderEmail, type RenderedEmail } from "./render-email.ts";
export { EMAIL_RETENTION, pruneEmailLog } from "./retention.ts";
export { sendEmail, type MailConfig, type MailDeps } from "./send-email.ts";
export { formatDay, formatMoney } from "./templates/format.ts";
export {
  EMAIL_KINDS,
  isEmailKind,
  type EmailData,
  type EmailKind,
  type EmailPreference,
  type EmailSecret,
} from "./templates/index.tsx";
export { PRODUCT_NAME } from "./templates/layout.tsx";
export { UPDATE_PAYMENT_METHOD_PATH } from "./templates/payment-failed.tsx";
export { SAMPLE_DATA, SAMPLE_SECRETS } from "./templates/samples.ts";
export { invitationPath } from "./templates/invitation.tsx";
export { createMailTransport, type MailTransport, type OutgoingMessage } from "./transport.ts";
