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
import { InvitationEmail, invitationData, invitationSecret, invitationSubject } from "./invitation.tsx";
import { PaymentFailedEmail, paymentFailedData, paymentFailedSubject } from "./payment-failed.tsx";
import { PaymentRecoveredEmail, paymentRecoveredData, paymentRecoveredSubject } from "./payment-recovered.tsx";
import { TrialEndingEmail, trialEndingData, trialEndingSubject } from "./trial-ending.tsx";

/** The non-essential emails a user can turn off in Settings → Account (columns of `users`). */
export type EmailPreference = "emailTrialReminders" | "emailCancellationNotices";

type Template<S extends z.ZodType, X extends z.ZodType | undefined> = {
  data: S;
  /**
   * What the email needs but must not be stored (an invitation's token): it travels in the
   * queued job only, never in email_log. Unset: the email has none.
   */
  secret?: X;
  subject(data: z.infer<S>): string;
  render(data: z.infer<S>, context: EmailContext, secret: X extends z.ZodType ? z.infer<X> : undefined): ReactElement;
  /** Unset: always sent (payment emails). */
  preference?: EmailPreference;
};

const template = <S extends z.ZodType, X extends z.ZodType | undefined = undefined>(t: Template<S, X>) => t;

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
  invitation: template({
    data: invitationData,
    secret: invitationSecret,
    subject: invitationSubject,
    render: (data, context, secret) => <InvitationEmail data={data} context={context} secret={secret} />,
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
/** The kind's secret (see Template.secret), or undefined for the kinds that have none. */
export type EmailSecret<K extends EmailKind> = (typeof TEMPLATES)[K] extends { secret?: infer X }
  ? X extends z.ZodType
    ? z.infer<X>
    : undefined
  : undefined;

export const EMAIL_KINDS = Object.keys(TEMPLATES) as EmailKind[];

export function isEmailKind(kind: string): kind is EmailKind {
  return Object.hasOwn(TEMPLATES, kind);
}
