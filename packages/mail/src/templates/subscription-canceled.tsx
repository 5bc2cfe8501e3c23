/** @jsxRuntime automatic @jsxImportSource react */
// Both cancellation emails: scheduled (ends at the period's end) and ended.
import { Text } from "@react-email/components";
import { z } from "zod";
import type { EmailContext } from "./context.ts";
import { formatDay } from "./format.ts";
import { EmailLayout, paragraph } from "./layout.tsx";
import { PreferencesFooter } from "./preferences-footer.tsx";

export const cancellationData = z.object({
  /** When access ends (scheduled) or ended (Unix seconds). */
  endsAt: z.number().int(),
  planName: z.string().nullable(),
});
type Data = z.infer<typeof cancellationData>;

const planOf = (data: Data) => (data.planName ? `${data.planName} subscription` : "subscription");

export const cancelScheduledSubject = (data: Data) => `Your ${planOf(data)} ends on ${formatDay(data.endsAt)}`;
export const canceledSubject = (data: Data) => `Your ${planOf(data)} has ended`;

export function CancelScheduledEmail({ data, context }: { data: Data; context: EmailContext }) {
  return (
    <EmailLayout
      preview={`Your ${planOf(data)} ends on ${formatDay(data.endsAt)}.`}
      heading="Your subscription is set to end"
      action={{ label: "Renew your plan", href: `${context.appBaseUrl}/settings/billing` }}
      footer={<PreferencesFooter context={context} what="cancellation notices" />}
    >
      <Text style={paragraph}>
        Your {planOf(data)} was canceled and ends on {formatDay(data.endsAt)}. You keep access until then and won't be
        charged again. Changed your mind? You can renew it any time before that date.
      </Text>
    </EmailLayout>
  );
}

export function CanceledEmail({ data, context }: { data: Data; context: EmailContext }) {
  return (
    <EmailLayout
      preview={`Your ${planOf(data)} ended on ${formatDay(data.endsAt)}.`}
      heading="Your subscription has ended"
      action={{ label: "Choose a plan", href: `${context.appBaseUrl}/settings/billing` }}
      footer={<PreferencesFooter context={context} what="cancellation notices" />}
    >
      <Text style={paragraph}>
        Your {planOf(data)} ended on {formatDay(data.endsAt)} and paid features are no longer available. You can
        subscribe again at any time.
      </Text>
    </EmailLayout>
  );
}
