// Example data for each email, for the development previews (/dev/inbox/previews).
import type { EmailData, EmailKind, EmailSecret } from "./index.tsx";

const inDays = (days: number) => Math.floor(Date.now() / 1000) + days * 86_400;

export const SAMPLE_DATA: { [K in EmailKind]: () => EmailData<K> } = {
  payment_failed: () => ({ amountDue: 2900, currency: "usd", nextPaymentAttempt: inDays(3), planName: "Pro" }),
  payment_recovered: () => ({ amountPaid: 2900, currency: "usd" }),
  trial_ending: () => ({ trialEnd: inDays(3), planName: "Pro" }),
  subscription_cancel_scheduled: () => ({ endsAt: inDays(20), planName: "Pro" }),
  subscription_canceled: () => ({ endsAt: inDays(0), planName: "Pro" }),
  invitation: () => ({
    organizationName: "Acme Robotics",
    inviterName: "Ada Lovelace",
    role: "member",
    expiresAt: inDays(7),
  }),
};

/** The secrets of the kinds that have one, for the previews: a link that leads nowhere. */
export const SAMPLE_SECRETS: { [K in EmailKind]?: () => EmailSecret<K> } = {
  invitation: () => ({ token: "preview-only-not-a-real-invitation" }),
};
