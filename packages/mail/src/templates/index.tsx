/** @jsxRuntime automatic @jsxImportSource react */
// Every email the app sends, by kind: its data (validated again when it is sent, since it
// waits on the queue as JSON), subject, body, and whether the user may turn it off.
import type { ReactElement } from "react";
import type { z } from "zod";
import {
  CanceledEmail,
  canceledSubject,
  cancellationData,
  CancelScheduledEmail,
  cancelScheduledSubject,
} from "./subscription-canceled.tsx";
import type { EmailContext } from "./context.ts";
import { PaymentFailedEmail, paymentFailedData, paymentFailedSubject } from "./payment-failed.tsx";
import { PaymentRecoveredEmail, paymentRecoveredData, paymentRecoveredSubject } from "./payment-recovered.tsx";
import { TrialEndingEmail, trialEndingData, trialEndingSubject } from "./trial-ending.tsx";

/** The non-essential emails a user can turn off in Settings → Account (columns of `users`). */
export type EmailPreference = "emailTrialReminders" | "emailCancellationNotices";

type Template<S extends z.ZodType> = {
  data: S;
  subject(data: z.infer<S>): string;
  render(data: z.infer<S>, context: EmailContext): ReactElement;
  /** Unset: always sent (payment emails). */
  preference?: EmailPreference;
};

const template = <S extends z.ZodType>(t: Template<S>) => t;

export const TEMPLATES = {
  payment_failed: template({
    data: paymentFailedData,
    subject: paymentFailedSubject,
    render: (data, context) => <PaymentFailedEmail data={data} context={context} />,
  }),
  payment_recovered: template({
    data: paymentRecoveredData,
    subject: paymentRecoveredSubject,
    render: (data, context) => <PaymentRecoveredEmail data={data} context={context} />,
  }),
  trial_ending: template({
    data: trialEndingData,
    subject: trialEndingSubject,
    render: (data, context) => <TrialEndingEmail data={data} context={context} />,
    preference: "emailTrialReminders",
  }),
  subscription_cancel_scheduled: template({
    data: cancellationData,
    subject: cancelScheduledSubject,
    render: (data, context) => <CancelScheduledEmail data={data} context={context} />,
    preference: "emailCancellationNotices",
  }),
  subscription_canceled: template({
    data: cancellationData,
    subject: canceledSubject,
    render: (data, context) => <CanceledEmail data={data} context={context} />,
    preference: "emailCancellationNotices",
  }),
};

export type EmailKind = keyof typeof TEMPLATES;
export type EmailData<K extends EmailKind> = z.infer<(typeof TEMPLATES)[K]["data"]>;

export const EMAIL_KINDS = Object.keys(TEMPLATES) as EmailKind[];

export function isEmailKind(kind: string): kind is EmailKind {
  return Object.hasOwn(TEMPLATES, kind);
}
